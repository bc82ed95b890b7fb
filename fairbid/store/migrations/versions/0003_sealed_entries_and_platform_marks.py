"""sealed entries and platform marks

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 12:50:05.616734

Reviewed: two new tables, no data moved.
- ``sealed_entries``: ledger entries about sealed bids, kept out of the ledger until their section's opening, so
  no signed head's size and no receipt's position counts bids (法 第二十二条). Entries recorded before this
  revision stay where they are, hidden by the older embargo column (``ledger_entries.embargo_section_id``).
- ``platform_marks``: facts about the database itself; ``purpose = demonstration`` lets a simulated clock run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fairbid.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("set_at", fairbid.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_platform_marks")),
    )
    op.create_table(
        "sealed_entries",
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("recorded_at", fairbid.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=8), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=80), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=False),
        sa.Column("subject_digest", sa.String(length=64), nullable=True),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("released_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("commitment", name=op.f("pk_sealed_entries")),
        sa.UniqueConstraint("section_id", "position", name="uq_sealed_entries_position"),
    )


def downgrade() -> None:
    op.drop_table("sealed_entries")
    op.drop_table("platform_marks")
