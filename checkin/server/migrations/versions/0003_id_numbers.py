"""Each registrant's 身份证号 and 学分卡号, for the CME office's sheet (docs/cme.md). Desk
tokens always receive them masked (checkin/masking.py NEVER_UNMASKED).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrants") as batch:
        batch.add_column(sa.Column("id_number", sa.Text))
        batch.add_column(sa.Column("cme_card", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("registrants") as batch:
        batch.drop_column("cme_card")
        batch.drop_column("id_number")
