"""Rasa-side glue: the dialogue policy, stores and server entry points."""
