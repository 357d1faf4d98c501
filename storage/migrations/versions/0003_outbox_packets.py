"""Packets apart from the outbox's bookkeeping.

SQLite rewrites a whole row on every UPDATE: with the packet (about 150 KB) in the outbox row,
each delivery step (synced, exported, error, receipt) rewrote it and zeroed the old copy
(secure_delete). The packet now lives in `outbox_packets`, written once at sealing and deleted
at purge.

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
    op.create_table(
        "outbox_packets",
        sa.Column(
            "packet_id", sa.String(64),
            sa.ForeignKey("outbox.packet_id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("packet", sa.LargeBinary, nullable=False),
    )
    op.execute(
        "INSERT INTO outbox_packets (packet_id, packet) "
        "SELECT packet_id, packet FROM outbox WHERE packet IS NOT NULL ORDER BY rowid"
    )
    op.drop_column("outbox", "packet")  # SQLite >= 3.35 drops columns in place


def downgrade() -> None:
    op.add_column("outbox", sa.Column("packet", sa.LargeBinary))
    op.execute(
        "UPDATE outbox SET packet = "
        "(SELECT p.packet FROM outbox_packets p WHERE p.packet_id = outbox.packet_id)"
    )
    op.drop_table("outbox_packets")
