"""asynccheck: point it at a FastAPI + SQLAlchemy app, learn which migration stage it has reached.

from asynccheck import check
report = check(["app/"])
report.findings, report.completed, report.next
"""

__version__ = "1.0.0"

from asynccheck.checker import check
from asynccheck.report import FileError, Finding, Report

__all__ = ["FileError", "Finding", "Report", "__version__", "check"]
