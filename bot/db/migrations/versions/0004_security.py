"""Security: verification guards, rate counters, alerts, one-time codes, SMS outbox,
and who opened a ticket.

Revision ID: 0004_security
Revises: 0003_desk
Create Date: 2026-11-29

Existing tickets keep their numbers (``SC`` + 10 digits) and get no requester: they
are found by number as before, and shown to a requester verified for their customer.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0004_security"
down_revision = "0003_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_code_guards",
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("touched_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_code", name=op.f("pk_security_code_guards")),
    )
    op.create_table(
        "security_rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=80), nullable=False),
        sa.Column("at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_rate_events")),
    )
    op.create_index(op.f("ix_security_rate_events_at"), "security_rate_events", ["at"])
    op.create_index(op.f("ix_security_rate_events_bucket_at"), "security_rate_events", ["bucket", "at"])
    op.create_table(
        "security_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("last_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_alerts")),
    )
    op.create_index(op.f("ix_security_alerts_last_at"), "security_alerts", ["last_at"])
    op.create_index(
        op.f("ix_security_alerts_kind_subject"), "security_alerts", ["kind", "subject", "last_at"]
    )
    op.create_table(
        "security_one_time_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_id", sa.String(length=128), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("issued_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("used_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_one_time_codes")),
    )
    op.create_index(
        op.f("ix_security_one_time_codes_code_at"),
        "security_one_time_codes",
        ["customer_code", "issued_at"],
    )
    op.create_index(
        op.f("ix_security_one_time_codes_user_at"),
        "security_one_time_codes",
        ["channel", "channel_user_id", "issued_at"],
    )
    op.create_table(
        "security_sms_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("to_phone", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("expires_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_sms_outbox")),
    )
    op.create_index(op.f("ix_security_sms_outbox_created_at"), "security_sms_outbox", ["created_at"])
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("requester_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("requester_hash")
    op.drop_table("security_sms_outbox")
    op.drop_table("security_one_time_codes")
    op.drop_table("security_alerts")
    op.drop_table("security_rate_events")
    op.drop_table("security_code_guards")
