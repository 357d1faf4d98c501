"""First schema: config, operators, key slots, records, sealed fields, audit chain.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.String(32)  # storage.schema.UtcDateTime: fixed-width ISO 8601 UTC text


def upgrade() -> None:
    op.create_table(
        "config",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "operators",
        sa.Column("username", sa.String(32), primary_key=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("lockout_until", TS),
        sa.Column("lockout_level", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_sign_in", TS),
    )
    op.create_table(
        "key_slots",
        sa.Column("slot_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column(
            "username", sa.String(32),
            sa.ForeignKey("operators.username", ondelete="CASCADE"), unique=True,
        ),
        sa.Column("kdf", sa.Text, nullable=False),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "records",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("operator", sa.String(32), nullable=False),
        sa.Column("supervisor", sa.String(32)),
        sa.Column("district_code", sa.String(13)),
        sa.Column("domicile", sa.Boolean, nullable=False),
        sa.Column("finger_count", sa.Integer, nullable=False),
        sa.Column("exception_count", sa.Integer, nullable=False),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("nik_index", sa.LargeBinary),
        sa.Column("wrapped_dk", sa.LargeBinary),
        sa.Column("payload_bytes", sa.Integer, nullable=False),
    )
    op.create_index("ix_records_status_created", "records", ["status", "created_at"])
    op.create_index("ix_records_created", "records", ["created_at"])
    op.create_index("ix_records_district_created", "records", ["district_code", "created_at"])
    op.create_index("ix_records_operator_created", "records", ["operator", "created_at"])
    op.create_index("ix_records_nik_index", "records", ["nik_index"])
    op.create_table(
        "record_fields",
        sa.Column(
            "record_id", sa.String(36),
            sa.ForeignKey("records.record_id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("field", sa.String(32), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64)),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_checkpoints", "audit_events", "record_fields", "records", "key_slots",
                  "operators", "config"):
        op.drop_table(table)
