"""Outage notices: subscriptions, announced events, the notice outbox; indexes for the
platforms' messaging windows on the channels' inbox and outbox.

Revision ID: 0005_notices
Revises: 0006_dialogue (the newest revision when it was merged; the lead relinks the chain)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0005_notices"
down_revision = "0006_dialogue"
branch_labels = None
depends_on = None

NOTICE_KINDS = "kind IN ('planned', 'reminder', 'moved', 'cancelled', 'incident', 'restored')"
NOTICE_STATUSES = (
    "status IN ('pending', 'sending', 'sent', 'failed', 'refused', 'superseded', 'expired', 'cancelled')"
)


def upgrade() -> None:
    aware = bot.db.models.AwareDateTime(timezone=True)
    op.create_table(
        "notice_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_code"],
            ["customers.code"],
            name=op.f("fk_notice_subscriptions_customer_code_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_subscriptions")),
        sa.UniqueConstraint(
            "channel",
            "conversation_id",
            "customer_code",
            name=op.f("uq_notice_subscriptions_channel_conversation_id_customer_code"),
        ),
        sqlite_autoincrement=True,  # ids never reused: the notifier matches "newer than"
    )
    op.create_index(
        op.f("ix_notice_subscriptions_customer_code"), "notice_subscriptions", ["customer_code"]
    )

    op.create_table(
        "notice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("subscriptions_seen", sa.Integer(), nullable=False),
        sa.Column("updated_at", aware, nullable=False),
        sa.CheckConstraint("kind IN ('planned', 'incident')", name=op.f("ck_notice_events_kind_values")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_notice_events_kind_ref")),
    )

    op.create_table(
        "notice_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("event_ref", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("due_at", aware, nullable=False),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("starts_at", aware, nullable=True),
        sa.Column("ends_at", aware, nullable=True),
        sa.Column("previous_starts_at", aware, nullable=True),
        sa.Column("previous_ends_at", aware, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", aware, nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", aware, nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
        sa.Column("sent_at", aware, nullable=True),
        sa.CheckConstraint(NOTICE_KINDS, name=op.f("ck_notice_outbox_kind_values")),
        sa.CheckConstraint(NOTICE_STATUSES, name=op.f("ck_notice_outbox_status_values")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_outbox")),
        sa.UniqueConstraint(
            "channel",
            "conversation_id",
            "kind",
            "event_ref",
            "version",
            name=op.f("uq_notice_outbox_channel_conversation_id_kind_event_ref_version"),
        ),
    )
    op.create_index("ix_notice_outbox_status_due", "notice_outbox", ["status", "due_at"])
    op.create_index("ix_notice_outbox_event", "notice_outbox", ["event_ref", "kind"])
    op.create_index("ix_notice_outbox_recipient", "notice_outbox", ["channel", "conversation_id", "status"])

    op.create_index(
        "ix_channel_inbox_sender_received", "channel_inbox", ["channel", "sender_id", "received_at"]
    )
    op.create_index(
        "ix_channel_outbox_recipient_created", "channel_outbox", ["channel", "recipient_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_channel_outbox_recipient_created", table_name="channel_outbox")
    op.drop_index("ix_channel_inbox_sender_received", table_name="channel_inbox")
    op.drop_index("ix_notice_outbox_recipient", table_name="notice_outbox")
    op.drop_index("ix_notice_outbox_event", table_name="notice_outbox")
    op.drop_index("ix_notice_outbox_status_due", table_name="notice_outbox")
    op.drop_table("notice_outbox")
    op.drop_table("notice_events")
    op.drop_index(op.f("ix_notice_subscriptions_customer_code"), table_name="notice_subscriptions")
    op.drop_table("notice_subscriptions")
