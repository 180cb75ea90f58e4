"""The demo database of the engine tests, for the action tests."""

from tests.dialogue.conftest import demo, demo_url  # noqa: F401 - fixtures
