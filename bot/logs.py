"""Logging set-up shared by every process (Rasa, action server, web app, supervisor),
with personal data kept out of the logs.

What reaches a log line, whoever wrote it (our code, Rasa, Sanic, aiohttp, SQLAlchemy):
- phone numbers are masked (``0908111321`` -> ``***21``), in the message and in tracebacks;
- ``token=...`` query parameters and SQLAlchemy's ``[parameters: ...]`` are removed;
- tracebacks never show local variables (structlog's rich/dict tracebacks would);
- Rasa's structlog events drop their message-text fields (``text``, ``user_message``,
  ``rasa_events``, ...) on every WARNING/ERROR line, and on every line in production;
- in production (``BOT_ENV=production``) nothing logs below INFO, because Rasa's DEBUG
  lines carry whole messages.
Full names are never passed to loggers in the first place (log customer codes, not names);
together with the text redaction this keeps names out of every line we know of.

The masking runs in the log record factory, so it applies to every logger and handler,
including the ones Sanic configures for itself.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import traceback
import warnings
from typing import Any

PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){9}(?!\d)")
TOKEN_PATTERN = re.compile(r"((?:token|secret|password)=)[^&\s'\"]+", re.IGNORECASE)
SQL_PARAMETERS_PATTERN = re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background|\n|$))", re.DOTALL)

# Structlog keys that hold what a customer wrote (Rasa's own anonymizer list, plus ours).
MESSAGE_TEXT_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message", "prefilled_slots",
        "message", "response", "slot_candidates", "rasa_event", "rasa_events", "tracker_states",
        "current_states", "old_states", "successes", "current_entity", "next_entity", "states",
        "entity", "token_text", "user_message", "json_message", "request_body", "metadata",
        "events", "tracker",
    }
)

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
UNSANITIZABLE = "<log line dropped: it could not be sanitized>"
_installed = False


def mask_phones(text: str) -> str:
    """Replace every phone-like number by a mask that keeps only its last 2 digits."""
    return PHONE_PATTERN.sub(lambda m: "***" + re.sub(r"\D", "", m.group())[-2:], text)


def sanitize(text: str) -> str:
    """Everything a log line must not carry: phones, tokens in URLs, SQL parameters."""
    text = SQL_PARAMETERS_PATTERN.sub("[parameters hidden]", text)
    text = TOKEN_PATTERN.sub(r"\1***", text)
    return mask_phones(text)


def format_exception(exc_info: Any) -> str:
    """A traceback without local variables, sanitized."""
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    return sanitize("".join(traceback.format_exception(*exc_info)).rstrip("\n"))


def production() -> bool:
    return os.environ.get("BOT_ENV", "").strip().lower() == "production"


class PersonalDataFilter(logging.Filter):
    """Masks the final message (and traceback) of a record. Installed on our handler and,
    through :func:`install_record_factory`, applied to every record of the process."""

    def filter(self, record: logging.LogRecord) -> bool:
        _sanitize_record(record)
        return True


def _sanitize_record(record: logging.LogRecord) -> None:
    if getattr(record, "_sanitized", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not lose the line
        message = f"{record.msg!r} {record.args!r}"
    clean = sanitize(message)
    if clean != message or record.args:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = format_exception(record.exc_info)
    record._sanitized = True


def install_record_factory() -> None:
    """Sanitize every record at creation, whatever logger or handler it goes to."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            _sanitize_record(record)
        except Exception:  # e.g. at interpreter shutdown: never let an unsanitized line out
            record.msg, record.args, record.exc_info, record.exc_text = UNSANITIZABLE, None, None, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def effective_level(level: str | None = None) -> int:
    """LOG_LEVEL, but never below INFO in production (DEBUG lines carry message text)."""
    name = (level or os.environ.get("LOG_LEVEL", "INFO")).strip().upper()
    numeric = logging.getLevelName(name)
    if not isinstance(numeric, int):
        numeric = logging.INFO
    if production() and numeric < logging.INFO:
        numeric = logging.INFO
    return numeric


def configure_logging(level: str | None = None) -> None:
    """One handler on the root logger (stderr), record sanitizing, structlog routed through
    the standard library, library loggers sent to our handler. Call once at process start,
    and :func:`adopt_library_loggers` again after creating Sanic apps."""
    install_record_factory()
    requested = (level or os.environ.get("LOG_LEVEL", "INFO")).strip().upper()
    numeric = effective_level(requested)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    configure_structlog(numeric)
    adopt_library_loggers()
    quiet_library_warnings()
    asked = logging.getLevelName(requested)
    if isinstance(asked, int) and asked < numeric:
        logging.getLogger(__name__).warning("LOG_LEVEL=%s ignored in production: INFO at least", requested)


def quiet_library_warnings() -> None:
    """Deprecation notices of pinned libraries are for their maintainers, not operators;
    other Python warnings go through logging (and its masking) as ``py.warnings``."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    warnings.filterwarnings("ignore", message=".*(Deprecated API features|deprecated).*")
    logging.captureWarnings(True)


def adopt_library_loggers() -> None:
    """Send Sanic's loggers (which configure their own handlers) through our handler."""
    for name in ("sanic.root", "sanic.error", "sanic.access", "sanic.server"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Access lines carry URLs (tokens, conversation ids): off, whatever the level.
    logging.getLogger("sanic.access").setLevel(logging.WARNING)


# --------------------------------------------------------------------------- structlog


def _redact_message_text(_logger: Any, method: str, event_dict: dict) -> dict:
    level = logging.getLevelName(method.upper()) if isinstance(method, str) else logging.INFO
    if production() or (isinstance(level, int) and level >= logging.WARNING):
        for key in MESSAGE_TEXT_KEYS.intersection(event_dict):
            value = event_dict[key]
            size = len(value) if isinstance(value, str | list | dict) else 0
            event_dict[key] = f"<redacted {size}>"
    return event_dict


def _sanitize_strings(_logger: Any, _method: str, event_dict: dict) -> dict:
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = sanitize(value)
        elif value is not None and not isinstance(value, int | float | bool):
            event_dict[key] = sanitize(repr(value))
    return event_dict


def _format_exc_info(_logger: Any, _method: str, event_dict: dict) -> dict:
    exc_info = event_dict.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException) or (isinstance(exc_info, tuple) and exc_info[0] is not None):
        event_dict["exception"] = format_exception(exc_info)
    return event_dict


# Rasa events logged once per failed item (a broker down logs every event it could not
# publish): the first line of an incident is kept, repeats are dropped for a minute and
# then summarised with their count.
REPEATED_EVENTS = frozenset(
    {"pika.events.publish.failed", "kafka.publish.failed", "rest.message.received.timeout"}
)
REPEAT_WINDOW_S = 60.0
_repeats: dict[str, list[float]] = {}  # event -> [first time in window, repeats dropped]


def _collapse_repeats(_logger: Any, _method: str, event_dict: dict) -> dict:
    import structlog

    event = event_dict.get("event")
    if event not in REPEATED_EVENTS:
        return event_dict
    now = time.monotonic()
    seen = _repeats.get(event)
    if seen is not None and now - seen[0] < REPEAT_WINDOW_S:
        seen[1] += 1
        raise structlog.DropEvent
    if seen is not None and seen[1]:
        event_dict["repeated"] = f"{int(seen[1])} more since the previous line"
    _repeats[event] = [now, 0]
    return event_dict


def configure_structlog(level: int) -> None:
    import structlog

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            _collapse_repeats,
            _redact_message_text,
            _format_exc_info,
            _sanitize_strings,
            structlog.processors.KeyValueRenderer(key_order=["event"], drop_missing=True),
        ],
        context_class=dict,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.getLogger().setLevel(level)
