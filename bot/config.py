"""Settings from environment variables, each with a working default for `make run`.

Every variable is listed in the README. Nothing here reads files or opens connections.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BOT_VAR_DIR", PROJECT_ROOT / "var"))


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    action_server_url: str
    rasa_token: str
    web_host: str
    web_port: int
    hotline: str
    # --- the utility as customers know it (used by bot/wording) ---
    hotline_alt: str = "19009000"  # the second hotline number ("" when there is none)
    utility_name: str = "Điện lực miền Nam"
    office_name: str = "phòng giao dịch Điện lực"
    # --- services ---
    web_identity_secret: str = ""  # signs web identity tokens (empty: no signed web users)
    outage_group_window_min: int = 30  # reports on one station this close become one incident
    # --- security (issue 9; bot/services/rate_limits.py, privacy.py, one_time_codes.py) ---
    rate_limit_url: str = ""  # redis://host:6379/2 shares rate counters in Redis; "": the database
    rate_messages_per_minute: int = 20  # messages of one requester per minute
    rate_sender_failures_per_hour: int = 6  # wrong verification answers of one requester, any code
    rate_network_failures_per_hour: int = 30  # wrong answers from one client network
    rate_global_failures_per_5min: int = 200  # wrong answers from everyone: verification pauses
    alert_global_failures_per_5min: int = 30  # a spike operators are told about
    verify_code_ceiling_per_hour: int = 10  # wrong answers on one code from everyone: code locked
    conversation_retention_days: int = 30  # Rasa's tracker events older than this are purged
    verification_retention_days: int = 30  # attempts, one-time codes, SMS, rate events
    alert_retention_days: int = 180  # operator alerts

    @property
    def is_embedded_database(self) -> bool:
        """True for the default SQLite file under var/ (demo data may be loaded there)."""
        return self.database_url == default_database_url()


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'utility.db'}"


def load_settings() -> Settings:
    return Settings(
        database_url=_env("DATABASE_URL", default_database_url()),
        rasa_url=_env("RASA_URL", f"http://127.0.0.1:{_env('RASA_PORT', '5005')}"),
        action_server_url=_env(
            "ACTION_SERVER_URL", f"http://127.0.0.1:{_env('ACTION_PORT', '5055')}/webhook"
        ),
        rasa_token=_env("RASA_TOKEN", "dev-rasa-token-change-me"),
        web_host=_env("WEB_HOST", "0.0.0.0"),
        web_port=int(_env("WEB_PORT", "8080")),
        hotline=_env("HOTLINE", "19001006"),
        hotline_alt=os.environ.get("HOTLINE_ALT", "19009000").strip(),
        utility_name=_env("UTILITY_NAME", "Điện lực miền Nam"),
        office_name=_env("OFFICE_NAME", "phòng giao dịch Điện lực"),
        web_identity_secret=os.environ.get("WEB_IDENTITY_SECRET", ""),
        outage_group_window_min=_positive_int(_env("OUTAGE_GROUP_WINDOW_MIN", ""), 30),
        **_security_settings(),
    )


def _security_settings() -> dict[str, object]:
    """The security block of :class:`Settings` (each variable named after its field)."""
    numbers = {
        "rate_messages_per_minute": 20,
        "rate_sender_failures_per_hour": 6,
        "rate_network_failures_per_hour": 30,
        "rate_global_failures_per_5min": 200,
        "alert_global_failures_per_5min": 30,
        "verify_code_ceiling_per_hour": 10,
        "conversation_retention_days": 30,
        "verification_retention_days": 30,
        "alert_retention_days": 180,
    }
    values: dict[str, object] = {
        name: _positive_int(_env(name.upper(), ""), default) for name, default in numbers.items()
    }
    values["rate_limit_url"] = _env("RATE_LIMIT_URL", "")
    return values


def _positive_int(raw: str, default: int) -> int:
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def runtime_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Every variable that endpoints.yml, the Procfile and our processes read, with the
    defaults of `make run` filled in where the environment leaves them unset or empty."""
    env = dict(os.environ if environ is None else environ)

    def default(name: str, value: str) -> None:
        if not env.get(name, "").strip():
            env[name] = value

    default("RASA_PORT", "5005")
    default("ACTION_PORT", "5055")
    default("WEB_PORT", "8080")
    default("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    default("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    default("RASA_TOKEN", "dev-rasa-token-change-me")
    default("WEB_ORIGIN", f"http://localhost:{env['WEB_PORT']}")
    default("DATABASE_URL", default_database_url())
    default("TRACKER_STORE_URL", f"sqlite:///{VAR_DIR / 'tracker.db'}")
    default("LOCK_STORE_URL", "memory://")
    default("RASA_TELEMETRY_ENABLED", "false")
    default("LOG_LEVEL", "INFO")
    return env
