from bot.config import default_database_url, load_settings, runtime_environment


def test_runtime_environment_fills_every_variable_of_endpoints_and_procfile() -> None:
    env = runtime_environment({})
    for name in (
        "RASA_PORT", "ACTION_PORT", "WEB_PORT", "ACTION_SERVER_URL", "RASA_TOKEN", "WEB_ORIGIN",
        "DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_URL",
    ):
        assert env[name], name
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


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
    assert names <= set(runtime_environment({}))


def test_embedded_database_is_recognised(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings().is_embedded_database
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1/test")
    assert not load_settings().is_embedded_database
    assert default_database_url().startswith("sqlite:///")
