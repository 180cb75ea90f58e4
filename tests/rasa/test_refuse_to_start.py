"""Issue 9 #1: the processes refuse to start on a default, empty or (in production) weak
secret, with exit code 78 so the supervisor stops instead of retrying."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.rasa.server import parse_options
from bot.tokens import EXIT_CONFIG, WeakSecretError, generate_secret

STRONG = {
    "RASA_TOKEN": generate_secret(), "ACTION_SERVER_SECRET": generate_secret(), "MODEL_PATH": "m.tar.gz",
}
SECRET_NAMES = ("RASA_TOKEN", "ACTION_SERVER_SECRET", "OPERATOR_TOKEN")


def _run(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if name not in SECRET_NAMES}
    return subprocess.run(
        [sys.executable, "-m", module], cwd=PROJECT_ROOT, env={**clean, "MODEL_PATH": "m.tar.gz", **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BOT_ENV": "production", "RASA_TOKEN": "dev-rasa-token-change-me"}, "is a published default"),
        ({"RASA_TOKEN": "dev-rasa-token-change-me"}, "RASA_TOKEN is a published default"),
        ({"RASA_TOKEN": ""}, "RASA_TOKEN is empty"),
        ({"BOT_ENV": "production", "RASA_TOKEN": "short-but-not-published"}, "is shorter than 32"),
    ],
)
def test_the_rasa_server_refuses_and_says_why(env: dict, message: str) -> None:
    result = _run("bot.rasa.server", ACTION_SERVER_SECRET=generate_secret(), **env)
    assert result.returncode == EXIT_CONFIG
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_action_server_refuses_an_empty_secret() -> None:
    result = _run("bot.rasa.action_server", ACTION_SERVER_SECRET="")
    assert result.returncode == EXIT_CONFIG and "ACTION_SERVER_SECRET is empty" in result.stderr


def test_the_web_app_refuses_a_weak_operator_token_in_production() -> None:
    result = _run("bot.web", BOT_ENV="production", OPERATOR_TOKEN="operator")
    assert result.returncode == EXIT_CONFIG and "OPERATOR_TOKEN is shorter" in result.stderr


def test_development_accepts_any_unpublished_token_on_loopback() -> None:
    options = parse_options([], {**STRONG, "RASA_TOKEN": "my-local-token"})
    assert options.token == "my-local-token"
    assert (options.admin_host, options.admin_port, options.host) == ("127.0.0.1", 5105, "0.0.0.0")


def test_an_admin_listener_reachable_from_other_hosts_needs_a_strong_token() -> None:
    with pytest.raises(WeakSecretError, match="shorter than 32"):
        parse_options(["--admin-host", "0.0.0.0"], {**STRONG, "RASA_TOKEN": "my-local-token"})
    assert parse_options(["--admin-host", "0.0.0.0"], STRONG).admin_host == "0.0.0.0"


def test_production_needs_strong_secrets_for_both() -> None:
    with pytest.raises(WeakSecretError, match="ACTION_SERVER_SECRET"):
        parse_options([], {**STRONG, "BOT_ENV": "production", "ACTION_SERVER_SECRET": "x" * 40})
    assert parse_options([], {**STRONG, "BOT_ENV": "production"}).token == STRONG["RASA_TOKEN"]


def test_proxies_in_front_are_counted_and_nonsense_refused() -> None:
    """RASA_PROXIES_COUNT (the production profile's balancer: 1) decides which
    X-Forwarded-For entry is the client; a typo must stop the start, not trust a header."""
    assert parse_options([], STRONG).proxies_count == 0
    assert parse_options([], {**STRONG, "RASA_PROXIES_COUNT": "1"}).proxies_count == 1
    with pytest.raises(ValueError, match="RASA_PROXIES_COUNT"):
        parse_options([], {**STRONG, "RASA_PROXIES_COUNT": "yes"})


def test_early_binding_is_the_default_and_can_be_turned_off_behind_a_balancer() -> None:
    assert parse_options([], STRONG).early_bind is True
    assert parse_options([], {**STRONG, "RASA_EARLY_BIND": "false"}).early_bind is False
