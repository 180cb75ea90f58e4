"""Channels: session credentials, webhook inbox, outbox, platform tokens.

Revision ID: 0002_channels
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0002_channels"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_sessions")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_channel_sessions_conversation_id")),
        sa.UniqueConstraint("identity_key", name=op.f("uq_channel_sessions_identity_key")),
    )
    op.create_index(op.f("ix_channel_sessions_last_seen_at"), "channel_sessions", ["last_seen_at"])

    op.create_table(
        "channel_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=160), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("received_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'processing', 'done', 'failed', 'ignored')",
            name=op.f("ck_channel_inbox_status_values"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_inbox")),
        sa.UniqueConstraint("channel", "event_id", name=op.f("uq_channel_inbox_channel_event_id")),
    )
    op.create_index("ix_channel_inbox_status_updated", "channel_inbox", ["status", "updated_at"])

    op.create_table(
        "channel_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.String(length=128), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_channel_outbox_status_values")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_outbox")),
    )
    op.create_index("ix_channel_outbox_status_next", "channel_outbox", ["status", "next_attempt_at"])

    op.create_table(
        "channel_tokens",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("expires_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_tokens")),
    )


def downgrade() -> None:
    op.drop_table("channel_tokens")
    op.drop_index("ix_channel_outbox_status_next", table_name="channel_outbox")
    op.drop_table("channel_outbox")
    op.drop_index("ix_channel_inbox_status_updated", table_name="channel_inbox")
    op.drop_table("channel_inbox")
    op.drop_index(op.f("ix_channel_sessions_last_seen_at"), table_name="channel_sessions")
    op.drop_table("channel_sessions")
