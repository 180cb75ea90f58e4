"""Pure domain code shared by every part of the assistant.

Money, kWh and date formatting (:mod:`.formatting`), billing months (:mod:`.periods`),
customer codes (:mod:`.codes`), invoice status (:mod:`.billing`), the residential
tariff (:mod:`.tariff`), why a bill changed (:mod:`.explain`) and Vietnamese text
helpers (:mod:`.text`).

Rule: this package imports nothing of the assistant but :mod:`bot.clock` and
:mod:`bot.config` (no database, no services, no Rasa, no wording); everything else
may import it. ``tests/test_architecture.py`` enforces it.
"""
