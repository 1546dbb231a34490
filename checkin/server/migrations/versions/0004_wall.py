"""The welcome wall (签到大屏, /wall/<event>): who asked not to be shown there, and the
read-only tokens a projector opens it with.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrants") as batch:
        batch.add_column(sa.Column("wall_hidden", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "wall_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("conferences.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("revoked_at", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("wall_tokens")
    with op.batch_alter_table("registrants") as batch:
        batch.drop_column("wall_hidden")
