"""`python -m asynccheck PATH...`"""

import sys

from asynccheck.cli import main

sys.exit(main())
