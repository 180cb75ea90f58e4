"""Agent desk and human handoff: agents, sessions, handoffs, their messages, callbacks, ratings.

Revision ID: 0003_desk
Revises: 0002_channels
Create Date: 2026-11-29

Tables prefixed desk_ / handoff (see bot/db/models/desk.py). The lead relinks
``down_revision`` when other areas' revisions land in another order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0003_desk"
down_revision = "0002_channels"
branch_labels = None
depends_on = None

OPEN_STATES = "status IN ('waiting', 'active', 'callback')"


def upgrade() -> None:
    op.create_table(
        "desk_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('agent', 'supervisor')", name=op.f("ck_desk_agents_role_values")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_agents")),
        sa.UniqueConstraint("username", name=op.f("uq_desk_agents_username")),
    )
    op.create_table(
        "desk_broker_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_desk_broker_cursors")),
    )
    op.create_table(
        "desk_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_login_attempts")),
    )
    with op.batch_alter_table("desk_login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_desk_login_attempts_username_at", ["username", "at"], unique=False)

    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("present_until", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["desk_agents.id"],
            name=op.f("fk_desk_sessions_agent_id_desk_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_desk_sessions_token_hash")),
    )
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_sessions_agent_id"), ["agent_id"], unique=False)

    op.create_table(
        "desk_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["desk_agents.id"],
            name=op.f("fk_desk_settings_updated_by_desk_agents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desk_settings")),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("queued_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("paused_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("taken_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("assigned_agent_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("transfers", sa.SmallInteger(), nullable=False),
        sa.Column("estimated_wait_s", sa.Integer(), nullable=True),
        sa.Column("customer_notified_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("resumed_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('resolved', 'ticket', 'callback', 'called_back', 'unresolved', 'no_response')",
            name=op.f("ck_handoffs_outcome_values"),
        ),
        sa.CheckConstraint(
            "reason IN ('request', 'misunderstood', 'complaint', 'frustration', "
            "'verification_lock', 'hazard', 'recheck', 'rule')",
            name=op.f("ck_handoffs_reason_values"),
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'active', 'callback', 'closed', 'cancelled')",
            name=op.f("ck_handoffs_status_values"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name=op.f("ck_handoffs_priority_range")),
        sa.ForeignKeyConstraint(
            ["assigned_agent_id"],
            ["desk_agents.id"],
            name=op.f("fk_handoffs_assigned_agent_id_desk_agents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handoffs_assigned_agent_id"), ["assigned_agent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handoffs_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoffs_customer_code"), ["customer_code"], unique=False)
        batch_op.create_index("ix_handoffs_queue", ["status", "priority", "queued_at"], unique=False)
        batch_op.create_index(
            "uq_handoffs_open_conversation",
            ["conversation_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_STATES),
            postgresql_where=sa.text(OPEN_STATES),
        )

    op.create_table(
        "desk_disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("disclosed", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["desk_agents.id"],
            name=op.f("fk_desk_disclosures_agent_id_desk_agents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_desk_disclosures_handoff_id_handoffs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_disclosures")),
    )
    with op.batch_alter_table("desk_disclosures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_disclosures_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index("ix_desk_disclosures_code_at", ["customer_code", "at"], unique=False)

    op.create_table(
        "handoff_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("phone_confirmed", sa.Boolean(), nullable=False),
        sa.Column("window_start", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("window_end", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("done_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'failed')", name=op.f("ck_handoff_callbacks_status_values")
        ),
        sa.CheckConstraint("window_end > window_start", name=op.f("ck_handoff_callbacks_window_order")),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["desk_agents.id"],
            name=op.f("fk_handoff_callbacks_done_by_desk_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_callbacks_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_callbacks")),
        sa.UniqueConstraint("handoff_id", name=op.f("uq_handoff_callbacks_handoff_id")),
    )
    with op.batch_alter_table("handoff_callbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_callbacks_window_start"), ["window_start"], unique=False)

    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("delivered_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("source_key", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "delivery IN ('received', 'pending', 'delivered', 'failed', 'internal')",
            name=op.f("ck_handoff_messages_delivery_values"),
        ),
        sa.CheckConstraint(
            "direction IN ('customer', 'agent', 'system')", name=op.f("ck_handoff_messages_direction_values")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["desk_agents.id"],
            name=op.f("fk_handoff_messages_agent_id_desk_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_messages_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
        sa.UniqueConstraint(
            "handoff_id", "source_key", name=op.f("uq_handoff_messages_handoff_id_source_key")
        ),
    )
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.create_index("ix_handoff_messages_delivery", ["delivery", "handoff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_messages_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "handoff_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_handoff_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_ratings_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_ratings")),
        sa.UniqueConstraint("handoff_id", name=op.f("uq_handoff_ratings_handoff_id")),
    )


def downgrade() -> None:
    op.drop_table("handoff_ratings")
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_messages_handoff_id"))
        batch_op.drop_index("ix_handoff_messages_delivery")

    op.drop_table("handoff_messages")
    with op.batch_alter_table("handoff_callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_callbacks_window_start"))

    op.drop_table("handoff_callbacks")
    with op.batch_alter_table("desk_disclosures", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_disclosures_code_at")
        batch_op.drop_index(batch_op.f("ix_desk_disclosures_agent_id"))

    op.drop_table("desk_disclosures")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_handoffs_open_conversation",
            sqlite_where=sa.text(OPEN_STATES),
            postgresql_where=sa.text(OPEN_STATES),
        )
        batch_op.drop_index("ix_handoffs_queue")
        batch_op.drop_index(batch_op.f("ix_handoffs_customer_code"))
        batch_op.drop_index(batch_op.f("ix_handoffs_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_handoffs_assigned_agent_id"))

    op.drop_table("handoffs")
    op.drop_table("desk_settings")
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_sessions_agent_id"))

    op.drop_table("desk_sessions")
    with op.batch_alter_table("desk_login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_login_attempts_username_at")

    op.drop_table("desk_login_attempts")
    op.drop_table("desk_broker_cursors")
    op.drop_table("desk_agents")
