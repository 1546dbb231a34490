"""The first schema: conferences, feed counters, registrants, events, admissions, conflicts,
devices, organiser tokens, enrolment codes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KEY = sa.String(64)
STAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "server_meta",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "conferences",
        sa.Column("id", KEY, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("config_toml", sa.Text, nullable=False),
        sa.Column("config_json", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), primary_key=True),
        sa.Column("feed", sa.String(16), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "registrants",
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), primary_key=True),
        sa.Column("code", KEY, primary_key=True),
        sa.Column("code_key", KEY, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text) for name in (
            "gender", "phone", "email", "organisation", "title", "category", "track", "team",
            "payment")),
        sa.Column("amount", sa.Float),
        sa.Column("meals", sa.Text, nullable=False),
        sa.Column("forums", sa.Text, nullable=False),
        sa.Column("remarks", sa.Text),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("missing", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("edited_fields", sa.Text, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.UniqueConstraint("event_id", "code_key", name="uq_registrants_code_key"),
    )
    op.create_index("ix_registrants_seq", "registrants", ["event_id", "seq"], unique=True)
    op.create_table(
        "events",
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), primary_key=True),
        sa.Column("uuid", KEY, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", KEY),
        sa.Column("station", sa.String(128)),
        sa.Column("device_id", sa.String(100), nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("wall_time", STAMP, nullable=False),
        sa.Column("hlc", sa.String(160), nullable=False),
        sa.Column("ref", KEY),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("conflict", sa.Text),
        sa.Column("received_at", STAMP, nullable=False),
    )
    op.create_index("ix_events_seq", "events", ["event_id", "seq"], unique=True)
    op.create_index("ix_events_code_station", "events", ["event_id", "code", "station"])
    op.create_index("ix_events_ref", "events", ["event_id", "ref"])
    op.create_table(
        "admissions",
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), primary_key=True),
        sa.Column("code", KEY, primary_key=True),
        sa.Column("station", sa.String(128), primary_key=True),
        sa.Column("event_uuid", KEY, nullable=False),
        sa.Column("hlc", sa.String(160), nullable=False),
        sa.Column("wall_time", STAMP, nullable=False),
        sa.Column("device_id", sa.String(100), nullable=False),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), nullable=False),
        sa.Column("event_uuid", KEY, nullable=False),
        sa.Column("other_uuid", KEY),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("resolved_by", KEY),
        sa.Column("resolution", sa.Text),
        sa.Column("resolved_at", STAMP),
    )
    op.create_index("ix_conflicts_open", "conflicts", ["event_id", "resolved_by"])
    op.create_table(
        "devices",
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), primary_key=True),
        sa.Column("device_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", KEY, nullable=False, unique=True),
        sa.Column("enrolled_at", STAMP, nullable=False),
        sa.Column("last_seen", STAMP),
        sa.Column("last_upload", STAMP),
        sa.Column("revoked_at", STAMP),
    )
    op.create_table(
        "organiser_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", KEY, nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("revoked_at", STAMP),
    )
    op.create_table(
        "enrolments",
        sa.Column("code_hash", KEY, primary_key=True),
        sa.Column("event_id", KEY, sa.ForeignKey("conferences.id"), nullable=False),
        sa.Column("device_name", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("used_at", STAMP),
        sa.Column("device_id", sa.String(100)),
    )


def downgrade() -> None:
    for table in ("enrolments", "organiser_tokens", "devices", "conflicts", "admissions",
                  "events", "registrants", "counters", "conferences", "server_meta"):
        op.drop_table(table)
