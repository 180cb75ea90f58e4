"""Generating the demo data in batches and loading it into a database, in one transaction."""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot import clock
from bot.config import default_database_url, load_settings
from bot.db import migrate
from bot.db.models import (
    Customer,
    Feeder,
    Incident,
    IncidentWard,
    Invoice,
    InvoiceLine,
    MeterReading,
    Office,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    incident_stations,
    metadata,
    planned_outage_stations,
)
from bot.db.session import session_scope
from bot.demo.base import (
    CUSTOMER_BATCH,
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    TARIFF_TABLES,
    DemoConfig,
    DemoRefused,
    DemoResult,
)
from bot.demo.customers import plan_customers
from bot.demo.events import build_events
from bot.demo.history import BillCache, IdCounter, build_history
from bot.demo.network import build_network
from bot.demo.offices import build_offices
from bot.importer.bulk import bulk_insert
from bot.importer.tariffs import sync_tariffs

log = logging.getLogger(__name__)

# -------------------------------------------------------------------- generation


@dataclass
class Batch:
    """Rows ready for bulk insertion, table by table, in foreign-key order."""

    rows: dict[str, list[dict[str, Any]]]


def generate(config: DemoConfig) -> Iterator[Batch]:
    """The demo data as batches of rows (network first, then customers and their
    history in groups, then outages and incidents). Deterministic."""
    rng = random.Random(config.seed)
    network = build_network(rng)
    yield Batch({"feeders": network.feeders, "stations": network.station_rows()})
    yield Batch({"offices": build_offices(random.Random(f"{config.seed}:offices"), network)})
    plans = plan_customers(rng, network, config.customers)
    ids = IdCounter()
    bills = BillCache()
    for start in range(0, len(plans), CUSTOMER_BATCH):
        histories = [
            build_history(plan, config, ids, bills) for plan in plans[start : start + CUSTOMER_BATCH]
        ]
        yield Batch(
            {
                "customers": [h.customer for h in histories],
                "meter_readings": [r for h in histories for r in h.readings],
                "invoices": [i for h in histories for i in h.invoices],
                "invoice_lines": [line for h in histories for line in h.lines],
            }
        )
    events = build_events(random.Random(f"{config.seed}:events"), network, config.today)
    yield Batch(
        {
            "planned_outages": events.outages,
            "planned_outage_stations": events.outage_stations,
            "planned_outage_wards": events.outage_wards,
            "incidents": events.incidents,
            "incident_stations": events.incident_stations,
            "incident_wards": events.incident_wards,
        }
    )


_TABLES = {
    "feeders": Feeder.__table__,
    "stations": Station.__table__,
    "offices": Office.__table__,
    "customers": Customer.__table__,
    "meter_readings": MeterReading.__table__,
    "invoices": Invoice.__table__,
    "invoice_lines": InvoiceLine.__table__,
    "planned_outages": PlannedOutage.__table__,
    "planned_outage_stations": planned_outage_stations,
    "planned_outage_wards": PlannedOutageWard.__table__,
    "incidents": Incident.__table__,
    "incident_stations": incident_stations,
    "incident_wards": IncidentWard.__table__,
}


# ------------------------------------------------------------------------ loading


def utility_tables() -> list[Any]:
    """Every table of ours except the tariff tables, children first (for deletion)."""
    return [t for t in reversed(metadata.sorted_tables) if t.name not in TARIFF_TABLES]


def has_data(session: Session) -> bool:
    for table in (Customer.__table__, Station.__table__, PlannedOutage.__table__, Incident.__table__):
        if session.execute(select(func.count()).select_from(table)).scalar_one():
            return True
    return False


def wipe(session: Session) -> None:
    """Delete every row of every utility table (the tariff tables are kept)."""
    for table in utility_tables():
        session.execute(delete(table))


def load(session: Session, config: DemoConfig) -> dict[str, int]:
    """Generate and bulk-insert the demo data; the caller commits. Returns row counts."""
    sync_tariffs(session)  # invoice lines reference the tariff versions
    counts: dict[str, int] = defaultdict(int)
    for batch in generate(config):
        for name, rows in batch.rows.items():
            bulk_insert(session, _TABLES[name], rows)
            counts[name] += len(rows)
    if session.get_bind().dialect.name == "postgresql":
        _reset_sequences(session)
    return dict(counts)


def _reset_sequences(session: Session) -> None:
    """Explicit ids do not advance PostgreSQL sequences: move them past the rows."""
    for name, table in _TABLES.items():
        if "id" in table.c and table.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
            )


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_target(database_url: str | None, allow_non_default_db: bool) -> str:
    """The URL to load into; DemoRefused unless it is the embedded default or allowed."""
    settings = load_settings()
    url = database_url or settings.database_url
    embedded = url == default_database_url() if database_url else settings.is_embedded_database
    if not embedded and not allow_non_default_db:
        raise DemoRefused(
            f"refusing to load demo data into {_shown(url)}: it is not the embedded default "
            f"database ({_shown(default_database_url())}), and fictional customers must never "
            "mix with real ones. If it really is a scratch database, pass "
            "--allow-non-default-db (python -m bot demo-data --allow-non-default-db ...)."
        )
    return url


def load_demo(
    database_url: str | None = None,
    *,
    today: date | None = None,
    seed: int = DEFAULT_SEED,
    customers: int = DEFAULT_CUSTOMERS,
    force: bool = False,
    allow_non_default_db: bool = False,
    migrate_first: bool = True,
) -> DemoResult:
    """Check the target, migrate it, and load the demo data in one transaction."""
    url = check_target(database_url, allow_non_default_db)
    config = DemoConfig(today=today or clock.today(), seed=seed, customers=customers)
    started = time.perf_counter()
    if migrate_first:
        migrate.upgrade(url)
    with session_scope(url) as session:
        if has_data(session):
            if not force:
                raise DemoRefused(
                    f"{_shown(url)} already has utility data (customers, stations, outages or "
                    "incidents): nothing loaded. Use --force to delete it and load the demo data again."
                )
            wipe(session)
        counts = load(session, config)
    result = DemoResult(
        counts=counts,
        seconds=time.perf_counter() - started,
        database=_shown(url),
        today=config.today,
        seed=seed,
    )
    log.info("demo data: %s", result.summary())
    return result
