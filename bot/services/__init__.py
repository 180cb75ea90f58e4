"""Business logic in plain Python (no Rasa, no web framework).

Each module has one responsibility, e.g. :mod:`bot.services.tariff` (the bill from kWh
and dates), :mod:`bot.services.explain` (why a bill changed) and
:mod:`bot.services.formatting` (money, kWh, dates and percentages as customers read
them). Import the module you need; this package re-exports nothing, so importing one
service never loads another.
"""
