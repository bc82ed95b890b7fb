"""sign-in failures: the login rate limit in the database, shared by every process (OWASP ASVS 2.2.1)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 08:47:59.294309

Reviewed: one new table, no data to move (the old limit lived in process memory and is simply lost).
``key_digest`` is an SM3 hex digest (64 characters); the two indexes serve the count per key within the
window and the pruning of rows older than the window.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fairbid.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("failed_at", fairbid.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_failed_at"), ["failed_at"], unique=False)
        batch_op.create_index("ix_sign_in_failures_key", ["key_digest", "failed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failures_key")
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_failed_at"))
    op.drop_table("sign_in_failures")
