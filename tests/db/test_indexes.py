"""The hot lookups are index scans (no full scan, no sort) on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from bot.db.models import Customer, Invoice, MeterReading
from bot.db.repositories import InvoiceRepository
from bot.db.repositories.invoices import latest_invoice_select, latest_reading_select
from bot.db.session import make_engine

CUSTOMERS = 400
MONTHS = 12


@pytest.fixture
def many_rows(clean_db_url: str) -> str:
    """400 customers with 12 readings and invoices each, and planner statistics."""
    engine = make_engine(clean_db_url)
    with engine.begin() as connection:
        connection.execute(
            insert(Customer),
            [
                {
                    "code": f"PB05{n:09d}",
                    "name": f"Khách {n}",
                    "province": "Tây Ninh",
                    "ward": "Phường Tân Ninh",
                    "managing_unit": "PB0500",
                    "reading_day": 15,
                    "households": 1,
                    "meter_multiplier": 1,
                    "tariff_group": "residential",
                    "supply_status": "normal",
                    "notices_sent": 0,
                }
                for n in range(CUSTOMERS)
            ],
        )
        ids = connection.execute(select(Customer.id)).scalars().all()
        readings, invoices = [], []
        for customer_id in ids:
            for month in range(MONTHS):
                end = date(2025 + (10 + month) // 12, (10 + month) % 12 + 1, 15)
                start = end - timedelta(days=29)
                readings.append(
                    {
                        "customer_id": customer_id,
                        "period_start": start,
                        "period_end": end,
                        "reading_date": end,
                        "old_index": month * 100,
                        "new_index": month * 100 + 100,
                        "kwh": 100,
                        "source": "read",
                    }
                )
                invoices.append(
                    {
                        "customer_id": customer_id,
                        "period_start": start,
                        "period_end": end,
                        "kwh": 100,
                        "subtotal": 200_000,
                        "vat_rate": "0.08",
                        "vat_amount": 16_000,
                        "total": 216_000,
                        "issue_date": end,
                        "due_date": end + timedelta(days=7),
                        "reminders_sent": 0,
                    }
                )
        connection.execute(insert(MeterReading), readings)
        connection.execute(insert(Invoice), invoices)
        connection.exec_driver_sql("ANALYZE")
    return clean_db_url


def sqlite_plan(connection: Connection, statement: Select) -> list[str]:
    sql = str(statement.compile(connection.engine, compile_kwargs={"literal_binds": True}))
    return [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


def postgres_plan(connection: Connection, statement: Select) -> list[dict]:
    sql = str(statement.compile(connection.engine, compile_kwargs={"literal_binds": True}))
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def assert_index_scan(url: str, statement: Select, table: str, columns: list[str]) -> None:
    """The statement reads ``table`` through an index on exactly ``columns`` and never sorts."""
    engine = make_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            details = sqlite_plan(connection, statement)
            scans = [d for d in details if d.split()[1] == table]
            assert scans and all("USING" in d and "INDEX" in d for d in scans), details
            assert not any("TEMP B-TREE" in d for d in details), details
            index = scans[0].split("INDEX ")[1].split()[0]
            indexed = [r[2] for r in connection.exec_driver_sql(f"PRAGMA index_info('{index}')")]
            assert indexed == columns, (index, indexed)
        else:
            nodes = postgres_plan(connection, statement)
            scans = [n for n in nodes if n.get("Relation Name") == table]
            assert scans and all("Index" in n["Node Type"] for n in scans), nodes
            assert not any(n["Node Type"] == "Sort" for n in nodes), nodes
            index = scans[0]["Index Name"]
            found = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes(table)}
            found.update(
                {u["name"]: u["column_names"] for u in inspect(connection).get_unique_constraints(table)}
            )
            assert found[index] == columns, (index, found)


def test_latest_invoice_lookup_is_an_index_scan(many_rows: str) -> None:
    statement = latest_invoice_select("PB05000000123")
    assert_index_scan(many_rows, statement, "invoices", ["customer_id", "period_end"])


def test_latest_reading_lookup_is_an_index_scan(many_rows: str) -> None:
    statement = latest_reading_select("PB05000000123")
    assert_index_scan(many_rows, statement, "meter_readings", ["customer_id", "reading_date"])


def test_latest_invoice_returns_that_customers_newest(many_rows: str) -> None:
    from bot.db.session import session_scope

    with session_scope(many_rows) as session:
        invoice = InvoiceRepository(session).latest("PB05000000123")
        assert invoice.customer.code == "PB05000000123"
        assert invoice.period_end == date(2026, 10, 15)


@pytest.mark.parametrize(
    ("table", "columns"),
    [("planned_outages", ["starts_at"]), ("incidents", ["status"]), ("customers", ["phone"])],
)
def test_secondary_indexes_exist(db_url: str, table: str, columns: list[str]) -> None:
    indexes = inspect(make_engine(db_url)).get_indexes(table)
    assert columns in [i["column_names"] for i in indexes]
