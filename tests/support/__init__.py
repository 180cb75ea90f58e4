"""Data and helpers the tests share (no fixtures here: those are in tests/conftest.py)."""
