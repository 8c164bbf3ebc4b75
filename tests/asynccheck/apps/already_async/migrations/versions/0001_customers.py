"""customers and orders (a migration script: asynccheck leaves these alone)"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("customers", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE customers SET id = id")  # old idioms are fine here


def downgrade():
    op.drop_table("customers")
