"""The trust boundary: events the service refused (kept for the organiser, never in the feed)
and what each desk last said it had not sent yet.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.String(64)
STAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "rejected_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), nullable=False),
        sa.Column("device_id", sa.String(100), nullable=False),
        sa.Column("uuid", KEY, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", KEY),
        sa.Column("error", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", STAMP, nullable=False),
        sa.UniqueConstraint("event_id", "device_id", "uuid", name="uq_rejected_events"),
    )
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("unsent", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("unsent")
    op.drop_table("rejected_events")
