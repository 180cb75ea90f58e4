"""CSV import: ``python -m bot import customers|readings|invoices|outages|offices FILE``.

Formats are documented in docs/data-import.md; file-level parsing (encoding, header) is
:mod:`.csv_format`, field formats :mod:`.fields`. Each kind validates rows against the
database and upserts them on their natural keys:

=========  ===================================  ===================================
kind       natural key                         notes
=========  ===================================  ===================================
customers  customer code                        creates missing stations and feeders
readings   (customer, reading date)             kWh = (new - old) x meter multiplier
invoices   (customer, period end)               billed by the tariff engine
outages    outage code                          planned outages, stations and wards
offices    office code                          customer offices, opening hours
=========  ===================================  ===================================

(:mod:`.customers`, :mod:`.readings`, :mod:`.invoices`, :mod:`.outages`, :mod:`.offices`; what they
share is :mod:`.framework` and :mod:`.bulk`; the run itself :mod:`.run`.) The tariff
tables are a copy of ``data/tariffs.yml`` (:mod:`.tariffs`).

The file is streamed and written in chunks (bulk selects, inserts and updates), all
in one transaction: by default a file with any bad row loads nothing (every bad row
is reported); with ``skip_bad`` the good rows are committed and the bad ones written
to a rejects file. Re-importing a file changes nothing (rows compare equal and are
counted as unchanged). Every statement is parameterised: text is stored verbatim.

This package sits beside the services: it may use :mod:`bot.db` and :mod:`bot.domain`
(bulk SQL is its job), never the services, the wording or Rasa.
"""

from bot.importer.framework import ImportReport
from bot.importer.run import DEFAULT_CHUNK_SIZE, KINDS, DatabaseNotReady, columns_of, import_file

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "KINDS",
    "DatabaseNotReady",
    "ImportReport",
    "columns_of",
    "import_file",
]
