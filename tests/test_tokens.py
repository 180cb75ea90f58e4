import pytest

from bot.tokens import (
    GENERATED_SECRETS,
    WeakSecretError,
    check_secret,
    generate_secret,
    is_loopback,
    same_secret,
    secret_problem,
    with_development_secrets,
)


@pytest.mark.parametrize("value", ["", "   ", "dev-rasa-token-change-me", "e2e-token", "Secret", "changeme"])
def test_empty_and_published_values_are_refused_everywhere(value: str) -> None:
    assert secret_problem(value, strict=False)
    assert secret_problem(value, strict=True)


def test_short_or_repetitive_values_are_refused_only_in_production() -> None:
    assert secret_problem("local-dev-token", strict=False) is None
    assert "shorter" in secret_problem("local-dev-token", strict=True)
    assert "random" in secret_problem("ab" * 20, strict=True)
    assert secret_problem(generate_secret(), strict=True) is None


def test_check_secret_names_the_variable_and_the_fix() -> None:
    with pytest.raises(WeakSecretError, match="RASA_TOKEN is a published default.*make run"):
        check_secret("RASA_TOKEN", {"RASA_TOKEN": "dev-rasa-token-change-me"}, strict=False)
    with pytest.raises(WeakSecretError, match="RASA_TOKEN is shorter than 32"):
        check_secret("RASA_TOKEN", {"RASA_TOKEN": "only-twenty-chars-xx"}, strict=True)
    strong = generate_secret()
    assert check_secret("RASA_TOKEN", {"RASA_TOKEN": f" {strong} "}, strict=True) == strong


def test_development_secrets_are_random_per_start_and_never_replace_a_set_one() -> None:
    first = with_development_secrets({"RASA_TOKEN": "mine"})
    second = with_development_secrets({})
    assert first["RASA_TOKEN"] == "mine"
    for name in GENERATED_SECRETS:
        assert len(second[name]) >= 40 and secret_problem(second[name], strict=True) is None
    assert first["ACTION_SERVER_SECRET"] != second["ACTION_SERVER_SECRET"]
    assert len({second[name] for name in GENERATED_SECRETS}) == len(GENERATED_SECRETS)


def test_production_gets_no_generated_secret() -> None:
    env = with_development_secrets({"BOT_ENV": "production"})
    assert not any(env.get(name) for name in GENERATED_SECRETS)


def test_comparison_rejects_missing_and_different_values() -> None:
    assert same_secret("abc", "abc")
    assert not same_secret("abd", "abc")
    assert not same_secret(None, "abc")
    assert not same_secret("", ""), "an unset secret matches nothing"


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")
