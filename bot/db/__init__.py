"""The utility's data layer: SQLAlchemy models, sessions, queries and migrations.

Never imports Rasa. Entry points: :mod:`bot.db.session` (engines, ``session_scope``),
:mod:`bot.db.models`, :mod:`bot.db.queries`, :mod:`bot.db.migrate` (``upgrade``) and
:mod:`bot.db.tariff_sync`.
"""

from bot.db.session import make_engine, session_scope

__all__ = ["make_engine", "session_scope"]
