"""Reports a crew can act on: where (location), whom to call back, since when, on tickets.

Revision ID: 0007_reports
Revises: 0005_notices (the newest revision when it was written; the lead relinks the chain)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0007_reports"
down_revision = "0005_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    aware = bot.db.models.AwareDateTime(timezone=True)
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("location", sa.Text(), nullable=True))
        batch.add_column(sa.Column("callback_phone", sa.String(length=15), nullable=True))
        batch.add_column(sa.Column("started_at", aware, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("started_at")
        batch.drop_column("callback_phone")
        batch.drop_column("location")
