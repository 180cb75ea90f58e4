"""Initial schema: customers, network, readings, invoices, tariffs, outages, tickets.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Only our tables: Rasa's tracker store (``events``) may share the database.
Long on purpose (about 500 lines): the whole initial schema is one revision, and a
released revision is never edited or split.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disclosure_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_hash", sa.String(length=64), nullable=False),
        sa.Column("disclosed", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_audit")),
    )
    op.create_index(op.f("ix_disclosure_audit_code_at"), "disclosure_audit", ["customer_code", "at"])

    op.create_table(
        "feeders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("substation", sa.String(length=200), nullable=True),
        sa.Column("managing_unit", sa.String(length=6), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeders")),
        sa.UniqueConstraint("code", name=op.f("uq_feeders_code")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("expected_restoration_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("restored_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'restored')", name=op.f("ck_incidents_status_values")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("code", name=op.f("uq_incidents_code")),
    )
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"])

    op.create_table(
        "planned_outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("starts_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("announced_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'cancelled', 'completed')", name=op.f("ck_planned_outages_status_values")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_planned_outages_time_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_outages")),
        sa.UniqueConstraint("code", name=op.f("uq_planned_outages_code")),
    )
    op.create_index(op.f("ix_planned_outages_starts_at"), "planned_outages", ["starts_at"])

    op.create_table(
        "tariff_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tariff_group", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "tariff_group IN ('residential', 'business')", name=op.f("ck_tariff_versions_tariff_group_values")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_versions")),
        sa.UniqueConstraint("code", name=op.f("uq_tariff_versions_code")),
        sa.UniqueConstraint(
            "tariff_group", "effective_from", name=op.f("uq_tariff_versions_tariff_group_effective_from")
        ),
    )
    op.create_table(
        "ticket_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "vat_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("rate", bot.db.models.ExactDecimal(5, 4), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_vat_periods_period_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vat_periods")),
        sa.UniqueConstraint("start_date", name=op.f("uq_vat_periods_start_date")),
    )
    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_id", sa.String(length=128), nullable=False),
        sa.Column("attempted_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_attempts")),
    )
    op.create_index(
        op.f("ix_verification_attempts_code_at"), "verification_attempts", ["customer_code", "attempted_at"]
    )
    op.create_index(
        op.f("ix_verification_attempts_user_at"),
        "verification_attempts",
        ["channel", "channel_user_id", "attempted_at"],
    )

    op.create_table(
        "incident_wards",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_wards_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "province", "ward", name=op.f("pk_incident_wards")),
    )
    op.create_index(op.f("ix_incident_wards_province_ward"), "incident_wards", ["province", "ward"])

    op.create_table(
        "planned_outage_wards",
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["planned_outages.id"],
            name=op.f("fk_planned_outage_wards_outage_id_planned_outages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outage_id", "province", "ward", name=op.f("pk_planned_outage_wards")),
    )
    op.create_index(
        op.f("ix_planned_outage_wards_province_ward"), "planned_outage_wards", ["province", "ward"]
    )

    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("feeder_id", sa.Integer(), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("ward", sa.String(length=100), nullable=True),
        sa.Column("managing_unit", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(["feeder_id"], ["feeders.id"], name=op.f("fk_stations_feeder_id_feeders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    op.create_index(op.f("ix_stations_feeder_id"), "stations", ["feeder_id"])

    op.create_table(
        "tariff_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("upper_kwh", sa.Integer(), nullable=True),
        sa.Column("price", bot.db.models.ExactDecimal(12, 2), nullable=False),
        sa.CheckConstraint("tier >= 1", name=op.f("ck_tariff_tiers_tier_positive")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["tariff_versions.id"],
            name=op.f("fk_tariff_tiers_version_id_tariff_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_tiers")),
        sa.UniqueConstraint("version_id", "tier", name=op.f("uq_tariff_tiers_version_id_tier")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('outage', 'complaint', 'hazard', 'recheck', 'request')",
            name=op.f("ck_tickets_kind_values"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'resolved', 'closed')", name=op.f("ck_tickets_status_values")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_tickets_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_index(op.f("ix_tickets_customer_code"), "tickets", ["customer_code"])
    op.create_index(op.f("ix_tickets_incident_id"), "tickets", ["incident_id"])
    op.create_index(op.f("ix_tickets_status_priority"), "tickets", ["status", "priority", "created_at"])

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.Column("old_province", sa.String(length=100), nullable=True),
        sa.Column("old_district", sa.String(length=100), nullable=True),
        sa.Column("old_ward", sa.String(length=100), nullable=True),
        sa.Column("managing_unit", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("households", sa.SmallInteger(), nullable=False),
        sa.Column("meter_multiplier", sa.Integer(), nullable=False),
        sa.Column("reading_day", sa.SmallInteger(), nullable=False),
        sa.Column("tariff_group", sa.String(length=20), nullable=False),
        sa.Column("supply_status", sa.String(length=20), nullable=False),
        sa.Column("suspended_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("restored_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.Column("notices_sent", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "supply_status IN ('normal', 'suspended')", name=op.f("ck_customers_supply_status_values")
        ),
        sa.CheckConstraint(
            "tariff_group IN ('residential', 'business')", name=op.f("ck_customers_tariff_group_values")
        ),
        sa.CheckConstraint("households >= 1", name=op.f("ck_customers_households_positive")),
        sa.CheckConstraint("length(code) = 13", name=op.f("ck_customers_code_length")),
        sa.CheckConstraint("meter_multiplier >= 1", name=op.f("ck_customers_multiplier_positive")),
        sa.CheckConstraint("notices_sent >= 0", name=op.f("ck_customers_notices_sent_nonnegative")),
        sa.CheckConstraint("reading_day BETWEEN 1 AND 31", name=op.f("ck_customers_reading_day_range")),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_customers_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("code", name=op.f("uq_customers_code")),
    )
    op.create_index(op.f("ix_customers_managing_unit"), "customers", ["managing_unit"])
    op.create_index(op.f("ix_customers_phone"), "customers", ["phone"])
    op.create_index(op.f("ix_customers_province_old_ward"), "customers", ["province", "old_ward"])
    op.create_index(op.f("ix_customers_province_ward"), "customers", ["province", "ward"])
    op.create_index(op.f("ix_customers_station_id"), "customers", ["station_id"])

    op.create_table(
        "incident_stations",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_stations_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_incident_stations_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "station_id", name=op.f("pk_incident_stations")),
    )
    op.create_index(op.f("ix_incident_stations_station_id"), "incident_stations", ["station_id"])

    op.create_table(
        "planned_outage_stations",
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["planned_outages.id"],
            name=op.f("fk_planned_outage_stations_outage_id_planned_outages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_planned_outage_stations_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outage_id", "station_id", name=op.f("pk_planned_outage_stations")),
    )
    op.create_index(op.f("ix_planned_outage_stations_station_id"), "planned_outage_stations", ["station_id"])

    op.create_table(
        "channel_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_id", sa.String(length=128), nullable=False),
        sa.Column("customer_code", sa.String(length=13), nullable=False),
        sa.Column("verified_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_code"],
            ["customers.code"],
            name=op.f("fk_channel_links_customer_code_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_links")),
        sa.UniqueConstraint(
            "channel",
            "channel_user_id",
            "customer_code",
            name=op.f("uq_channel_links_channel_channel_user_id_customer_code"),
        ),
    )
    op.create_index(op.f("ix_channel_links_customer_code"), "channel_links", ["customer_code"])

    op.create_table(
        "meter_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("reading_date", sa.Date(), nullable=False),
        sa.Column("old_index", sa.BigInteger(), nullable=False),
        sa.Column("new_index", sa.BigInteger(), nullable=False),
        sa.Column("kwh", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.CheckConstraint("source IN ('read', 'estimated')", name=op.f("ck_meter_readings_source_values")),
        sa.CheckConstraint("kwh >= 0", name=op.f("ck_meter_readings_kwh_nonnegative")),
        sa.CheckConstraint("new_index >= old_index", name=op.f("ck_meter_readings_index_not_backwards")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_meter_readings_period_order")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_meter_readings_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_readings")),
        sa.UniqueConstraint(
            "customer_id", "reading_date", name=op.f("uq_meter_readings_customer_id_reading_date")
        ),
    )
    op.create_table(
        "outage_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("ward", sa.String(length=100), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reported_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "customer_id IS NOT NULL OR ward IS NOT NULL OR place IS NOT NULL",
            name=op.f("ck_outage_reports_customer_or_place"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_outage_reports_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_outage_reports_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outage_reports_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_reports")),
    )
    op.create_index(op.f("ix_outage_reports_customer_id"), "outage_reports", ["customer_id"])
    op.create_index(op.f("ix_outage_reports_incident_id"), "outage_reports", ["incident_id"])
    op.create_index(op.f("ix_outage_reports_reported_at"), "outage_reports", ["reported_at"])
    op.create_index(op.f("ix_outage_reports_ticket_id"), "outage_reports", ["ticket_id"])

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("reading_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("kwh", sa.Integer(), nullable=False),
        sa.Column("subtotal", bot.db.models.Money(), nullable=False),
        sa.Column("vat_rate", bot.db.models.ExactDecimal(5, 4), nullable=False),
        sa.Column("vat_amount", bot.db.models.Money(), nullable=False),
        sa.Column("total", bot.db.models.Money(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("payment_channel", sa.String(length=50), nullable=True),
        sa.Column("reminders_sent", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("due_date >= issue_date", name=op.f("ck_invoices_due_after_issue")),
        sa.CheckConstraint("kwh >= 0", name=op.f("ck_invoices_kwh_nonnegative")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_invoices_period_order")),
        sa.CheckConstraint("reminders_sent >= 0", name=op.f("ck_invoices_reminders_nonnegative")),
        sa.CheckConstraint("total = subtotal + vat_amount", name=op.f("ck_invoices_total_sum")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invoices_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reading_id"],
            ["meter_readings.id"],
            name=op.f("fk_invoices_reading_id_meter_readings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("customer_id", "period_end", name=op.f("uq_invoices_customer_id_period_end")),
    )
    op.create_index(op.f("ix_invoices_reading_id"), "invoices", ["reading_id"])

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.SmallInteger(), nullable=False),
        sa.Column("part_start", sa.Date(), nullable=True),
        sa.Column("part_end", sa.Date(), nullable=True),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("tier_kwh_limit", sa.Integer(), nullable=True),
        sa.Column("kwh", sa.Integer(), nullable=False),
        sa.Column("unit_price", bot.db.models.ExactDecimal(12, 2), nullable=False),
        sa.Column("amount", bot.db.models.Money(), nullable=False),
        sa.Column("vat_rate", bot.db.models.ExactDecimal(5, 4), nullable=False),
        sa.Column("tariff_code", sa.String(length=32), nullable=False),
        sa.CheckConstraint("kwh >= 0", name=op.f("ck_invoice_lines_kwh_nonnegative")),
        sa.CheckConstraint("part >= 0", name=op.f("ck_invoice_lines_part_nonnegative")),
        sa.CheckConstraint("tier >= 1", name=op.f("ck_invoice_lines_tier_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tariff_code"],
            ["tariff_versions.code"],
            name=op.f("fk_invoice_lines_tariff_code_tariff_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint("invoice_id", "part", "tier", name=op.f("uq_invoice_lines_invoice_id_part_tier")),
    )


def downgrade() -> None:
    # Reverse order of creation (children first); indexes go with their tables.
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("outage_reports")
    op.drop_table("meter_readings")
    op.drop_table("channel_links")
    op.drop_table("planned_outage_stations")
    op.drop_table("incident_stations")
    op.drop_table("customers")
    op.drop_table("tickets")
    op.drop_table("tariff_tiers")
    op.drop_table("stations")
    op.drop_table("planned_outage_wards")
    op.drop_table("incident_wards")
    op.drop_table("verification_attempts")
    op.drop_table("vat_periods")
    op.drop_table("ticket_counters")
    op.drop_table("tariff_versions")
    op.drop_table("planned_outages")
    op.drop_table("incidents")
    op.drop_table("feeders")
    op.drop_table("disclosure_audit")
