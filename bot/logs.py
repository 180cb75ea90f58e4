"""Logging set-up shared by our processes, with personal data masked.

Logs never hold phone numbers in clear: a filter masks anything that looks like a
Vietnamese phone number in every record. Full names are never passed to loggers in the
first place (log customer codes, not names).
"""

from __future__ import annotations

import logging
import os
import re

PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){9}(?!\d)")


def mask_phones(text: str) -> str:
    """Replace every phone-like number by a mask that keeps only its last 2 digits."""
    return PHONE_PATTERN.sub(lambda m: "***" + re.sub(r"\D", "", m.group())[-2:], text)


class PersonalDataFilter(logging.Filter):
    """Masks phone numbers in the final message of every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
