"""Rasa-side glue: the dialogue policy (policy.py), our server entry points (Rasa server,
action server), fault handling around Rasa's remote actions and message handling, the
admin API's access rules, and the tracker and lock stores (stores.py, redaction.py).

Importing this package imports nothing from Rasa; each module does what it needs.
"""
