"""The utility's data layer: SQLAlchemy models, repositories, the unit of work, sessions
and migrations.

Imports nothing above it (no services, no Rasa); uses :mod:`bot.domain`. Entry points:
:mod:`bot.db.uow` (``UnitOfWork``: a session and its repositories), :mod:`bot.db.models`,
:mod:`bot.db.repositories`, :mod:`bot.db.session` (engines) and :mod:`bot.db.migrate`
(``upgrade``). Code above the services reaches it only through
:func:`bot.services.unit_of_work`.
"""
