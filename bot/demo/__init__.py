"""Deterministic demo data: ``python -m bot demo-data [--seed N] [--today dd/mm/yyyy] [--force]``.

What it makes (docs/data-import.md, "Demo data", says more):

* a network per southern PB province: district branches (managing units), feeders,
  transformer stations in real current wards (old names kept: bot/db/demo_places.py);
* ``customers`` fictional residential customers (default 5,000) plus the three fixture
  customers of :mod:`bot.demo.fixtures`, each fed by a station;
* 24 monthly readings per customer up to the last reading day before today, indexes
  chained, with a hot-season peak (March to June); a few estimated readings;
* one invoice per reading, billed by the tariff engine (per-tier lines stored); issue
  the day or two after the reading, due ``PAYMENT_TERM_DAYS`` later; most paid, some
  unpaid, some overdue with reminders, a few suspensions (and past ones restored);
* one customer office per district branch (address, opening hours: :mod:`.offices`);
* planned outages over the past 90 days and the next 14, each announced at least 5
  days ahead; restored incidents and a few open ones.

The same seed and today give the same rows (a seeded ``random.Random`` per purpose).
Safety: it loads only into the embedded default database unless explicitly allowed
(``allow_non_default_db``), and refuses a database that already has customers unless
``force`` (which first deletes every utility table but the tariff tables).

Modules: :mod:`.base` (settings, dates, options), :mod:`.network`, :mod:`.customers`,
:mod:`.history` (readings and invoices), :mod:`.events` (outages, incidents),
:mod:`.generate` (batches, loading); :mod:`.fixtures` and :mod:`.people` are data.
The command line is :mod:`bot.cli.demo`. Like the importer, this package sits beside
the services: it uses :mod:`bot.db`, :mod:`bot.domain` and the importer's bulk insert.
"""

from bot.demo.base import DEFAULT_CUSTOMERS, DEFAULT_SEED, DemoConfig, DemoRefused, DemoResult, reading_dates
from bot.demo.generate import check_target, generate, has_data, load, load_demo, wipe

__all__ = [
    "DEFAULT_CUSTOMERS",
    "DEFAULT_SEED",
    "DemoConfig",
    "DemoRefused",
    "DemoResult",
    "check_target",
    "generate",
    "has_data",
    "load",
    "load_demo",
    "reading_dates",
    "wipe",
]
