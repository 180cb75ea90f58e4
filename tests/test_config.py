import pytest

from bot.config import bot_env, default_database_url, load_settings, runtime_environment
from bot.launch import launch_environment
from bot.tokens import GENERATED_SECRETS


def test_runtime_environment_fills_every_variable_of_endpoints_and_procfile() -> None:
    env = runtime_environment({})
    for name in (
        "RASA_PORT", "ACTION_PORT", "WEB_PORT", "ACTION_SERVER_URL", "WEB_ORIGIN", "RASA_ADMIN_PORT",
        "RASA_URL", "DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_URL",
    ):
        assert env[name], name
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["RASA_URL"] == "http://127.0.0.1:5105", "our processes use the loopback admin listener"
    assert env["RASA_ADMIN_HOST"] == "127.0.0.1" and env["ACTION_HOST"] == "127.0.0.1"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_no_secret_has_a_default_make_run_generates_them_per_start(monkeypatch) -> None:
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    assert load_settings().rasa_token == "", "no published default token any more"
    env = runtime_environment({})
    assert not any(env.get(name) for name in GENERATED_SECRETS)
    first, second = launch_environment({}), launch_environment({})
    for name in GENERATED_SECRETS:
        assert first[name] and first[name] != second[name]


def test_bot_env_is_development_or_production() -> None:
    assert bot_env({}) == "development"
    assert bot_env({"BOT_ENV": " Production "}) == "production"
    with pytest.raises(ValueError, match="BOT_ENV"):
        bot_env({"BOT_ENV": "prod"})


def test_runtime_environment_keeps_what_is_set_and_derives_from_it() -> None:
    env = runtime_environment({"ACTION_PORT": "6055", "DATABASE_URL": "postgresql://db/evn", "WEB_PORT": ""})
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:6055/webhook"
    assert env["DATABASE_URL"] == "postgresql://db/evn"
    assert env["WEB_PORT"] == "8080", "an empty variable counts as unset"


def test_every_endpoints_variable_has_a_default() -> None:
    import re

    from bot.config import PROJECT_ROOT

    names = set(re.findall(r"\$\{(\w+)\}", (PROJECT_ROOT / "endpoints.yml").read_text()))
    assert names, "endpoints.yml should read its URLs from the environment"
    assert names <= set(launch_environment({}))


def test_embedded_database_is_recognised(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings().is_embedded_database
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1/test")
    assert not load_settings().is_embedded_database
    assert default_database_url().startswith("sqlite:///")
