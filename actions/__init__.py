"""Custom actions: thin Rasa adapters over the conversation engine (bot.dialogue).

``action_converse`` (converse.py) runs once per customer message: it reads the tracker
into a Turn and the conversation state, lets the engine answer, and returns the
replies and the changed slots. ``actions/kit.py`` is the one kit every action uses
(reading the tracker, rendering, the error policy). Actions decide nothing and run no
SQL. The action server listens on 127.0.0.1 only (Procfile: SANIC_HOST=127.0.0.1).
"""
