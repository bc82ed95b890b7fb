"""terms pinned, committee aggregate, members

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:17:28.981312

Reviewed, and edited by hand where autogenerate would have lost data:
- ``tender_terms``: the executable terms of each document version (``fairbid.domain.terms``), immutable; the
  section's ``terms_digest`` names the pinned one. ``sections.k_values`` goes: K is drawn from the pinned
  terms' set. Sections published before this revision have no pinned terms (their evaluation cannot run).
- ``committees``: the aggregate's parts get their own columns (``review``, ``outcome``, ``report``,
  ``representatives``) and a ``version`` for optimistic locking; existing rows are moved out of ``draw``.
- ``score_sheets.expert_id`` and ``session_actions.expert_id`` are renamed ``member_id`` (kept, not dropped)
  and lose their foreign key to ``experts``: a representative of the tenderee (``rep:<user id>``) is a member
  too. Score sheets and warnings get a ``version`` so concurrent answers are never lost.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import fairbid.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.create_table(
        "tender_terms",
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.Column("version_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", fairbid.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_tender_terms_section_id_sections")),
        sa.PrimaryKeyConstraint("section_id", "version_no", name=op.f("pk_tender_terms")),
    )
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("representatives", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("review", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("report", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    committees = sa.table(
        "committees",
        sa.column("section_id", sa.String),
        sa.column("plan", sa.JSON),
        sa.column("draw", sa.JSON),
        sa.column("review", sa.JSON),
        sa.column("outcome", sa.JSON),
        sa.column("report", sa.JSON),
    )
    conn = op.get_bind()
    for section_id, plan, draw in conn.execute(sa.select(committees.c.section_id, committees.c.plan, committees.c.draw)):
        plan, draw = dict(_json(plan)), dict(_json(draw))
        review, outcome, report = draw.pop("machine", None), draw.pop("result", None), draw.pop("report", None)
        plan.pop("terms", None)
        conn.execute(
            committees.update()
            .where(committees.c.section_id == section_id)
            .values(plan=plan, draw=draw, review=review, outcome=outcome, report=report)
        )
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.alter_column("representatives", server_default=None)
        batch_op.alter_column("version", server_default=None)

    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_score_sheets_expert_id_experts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_score_sheets_section_id"), type_="unique")
        batch_op.alter_column("expert_id", new_column_name="member_id", type_=sa.String(length=80))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)
        batch_op.create_unique_constraint(batch_op.f("uq_score_sheets_section_id"), ["section_id", "member_id"])

    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_digest", sa.String(length=64), nullable=True))
        batch_op.drop_column("k_values")

    with op.batch_alter_table("session_actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_session_actions_expert_id_experts"), type_="foreignkey")
        batch_op.alter_column("expert_id", new_column_name="member_id", type_=sa.String(length=80))

    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)


def downgrade() -> None:
    raise NotImplementedError("0004 moves committee state between columns; restore a backup to go back")
