"""Transactional outbox for sealed packets; server outcome on records.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.String(32)


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch table rebuild: dropping `records` with foreign keys on
    # would cascade-delete every sealed field.
    op.add_column("records", sa.Column("packet_id", sa.String(64)))
    op.add_column("records", sa.Column("server_outcome", sa.String(16)))
    op.add_column("records", sa.Column("server_reason", sa.Text))
    op.create_index("uq_records_packet_id", "records", ["packet_id"], unique=True)
    op.create_table(
        "outbox",
        sa.Column("packet_id", sa.String(64), primary_key=True),
        sa.Column(
            "record_id", sa.String(36),
            sa.ForeignKey("records.record_id", ondelete="CASCADE"), nullable=False, unique=True,
        ),
        sa.Column("packet", sa.LargeBinary),
        sa.Column("sealed_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("last_attempt_at", TS),
        sa.Column("synced_at", TS),
        sa.Column("exported_at", TS),
        sa.Column("batch_id", sa.String(64)),
        sa.Column("acknowledged_at", TS),
        sa.Column("receipt", sa.LargeBinary),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_index("uq_records_packet_id", "records")
    for column in ("server_reason", "server_outcome", "packet_id"):
        op.drop_column("records", column)  # SQLite >= 3.35 drops columns in place
