"""Dialogue: customer offices (address and opening hours per district branch).

Revision ID: 0006_dialogue
Revises: 0004_security
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_dialogue"
down_revision = "0004_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("managing_unit", sa.String(length=6), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("opening_hours", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    op.create_index(op.f("ix_offices_managing_unit"), "offices", ["managing_unit"])
    op.create_index("ix_offices_province_ward", "offices", ["province", "ward"])


def downgrade() -> None:
    op.drop_index("ix_offices_province_ward", table_name="offices")
    op.drop_index(op.f("ix_offices_managing_unit"), table_name="offices")
    op.drop_table("offices")
