"""Shared secrets of the processes: which exist, how strong they must be, how to compare.

- ``RASA_TOKEN``: the token of Rasa's admin HTTP API (``?token=``), used by the web app,
  the desk and the notices.
- ``ACTION_SERVER_SECRET``: sent by Rasa to the action server in :data:`ACTION_SECRET_HEADER`.
- ``OPERATOR_TOKEN``: bearer credential of the detailed health page (until the desk's
  supervisor login replaces it).

In development (``BOT_ENV`` unset) `make run` and the e2e harness generate the secrets per
start (:func:`with_development_secrets`) and hand them to every process through the
environment; nothing prints them. In production each must be set, long and random:
:func:`check_secret` refuses empty, published or short values, and the processes exit with
:data:`EXIT_CONFIG` so the supervisor does not restart them in a loop.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

RASA_TOKEN = "RASA_TOKEN"
ACTION_SERVER_SECRET = "ACTION_SERVER_SECRET"
OPERATOR_TOKEN = "OPERATOR_TOKEN"
GENERATED_SECRETS = (RASA_TOKEN, ACTION_SERVER_SECRET, OPERATOR_TOKEN)

ACTION_SECRET_HEADER = "X-Action-Secret"

# sysexits.h EX_CONFIG: the supervisor stops instead of restarting a misconfigured process.
EXIT_CONFIG = 78

MIN_PRODUCTION_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12
# Values that were ever published (README, examples, tests) or are typical placeholders.
PUBLISHED_VALUES = frozenset(
    {
        "dev-rasa-token-change-me", "e2e-token", "changeme", "change-me", "secret",
        "token", "password", "rasa", "rasatoken", "test", "admin",
    }
)


class WeakSecretError(ValueError):
    """A secret is missing or too weak for where the process runs; the message says why."""


def generate_secret() -> str:
    """A fresh URL-safe random secret (256 bits)."""
    return secrets.token_urlsafe(32)


def with_development_secrets(env: dict[str, str]) -> dict[str, str]:
    """Fill every missing secret with a fresh random one (development only, per start)."""
    if env.get("BOT_ENV", "").strip().lower() == "production":
        return env
    for name in GENERATED_SECRETS:
        if not env.get(name, "").strip():
            env[name] = generate_secret()
    return env


def secret_problem(value: str | None, *, strict: bool) -> str | None:
    """Why ``value`` may not be used as a secret, or None when it may.

    Everywhere: not empty, not a published value. ``strict`` (production, or a listener
    reachable from other hosts): at least 32 characters with 12 distinct ones."""
    value = (value or "").strip()
    if not value:
        return "is empty"
    if value.lower() in PUBLISHED_VALUES:
        return "is a published default"
    if strict and len(value) < MIN_PRODUCTION_LENGTH:
        return f"is shorter than {MIN_PRODUCTION_LENGTH} characters"
    if strict and len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "is not random enough"
    return None


def check_secret(name: str, environ: Mapping[str, str], *, strict: bool) -> str:
    """The value of secret ``name``; raises :class:`WeakSecretError` when it may not be used."""
    value = environ.get(name, "")
    problem = secret_problem(value, strict=strict)
    if problem:
        hint = "set a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        if not strict:
            hint += " or start through `make run`, which generates one"
        raise WeakSecretError(f"{name} {problem}: {hint}")
    return value.strip()


def same_secret(provided: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected secret matches nothing."""
    if not expected or provided is None:
        return False
    return hmac.compare_digest(provided.encode(), expected.encode())


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")
