"""Conversations as customers write them, run through the whole stack over REST.

``*.yml`` hold the conversations (format in ``runner.py``); ``test_conversations.py``
runs each as a test; ``python -m tests.e2e.conversations`` prints the share handled.
"""
