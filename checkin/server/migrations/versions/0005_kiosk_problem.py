"""A self check-in kiosk that closed itself (its printer cannot print): the desks' status bars
say so, from the devices table.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("kiosk_problem", sa.Text))
        batch.add_column(sa.Column("kiosk_problem_at", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("kiosk_problem_at")
        batch.drop_column("kiosk_problem")
