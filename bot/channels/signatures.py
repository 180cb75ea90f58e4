"""Webhook signatures, compared in constant time (pure: no Rasa, no I/O).

- Zalo OA: ``X-ZEvent-Signature`` = SHA-256 hex of app_id + raw body + timestamp (the
  body's ``timestamp`` field) + OA secret key, optionally prefixed ``mac=``.
- Messenger: ``X-Hub-Signature-256`` = ``sha256=`` + HMAC-SHA256 of the raw body with
  the app secret. (The older SHA-1 ``X-Hub-Signature`` is not accepted.)

Each check answers None when the signature is good, else the reason (for a 403 and the
log); an empty secret refuses everything.
"""

from __future__ import annotations

import hashlib
import hmac


def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    material = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(material).hexdigest()


def zalo_problem(header: str | None, app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str | None:
    if not secret or not app_id:
        return "the Zalo channel has no app id / OA secret key configured"
    presented = (header or "").strip()
    if presented[:4].lower() == "mac=":
        presented = presented[4:].strip()
    if not presented:
        return "missing X-ZEvent-Signature"
    expected = zalo_signature(app_id, raw_body, timestamp, secret)
    if not hmac.compare_digest(expected.encode(), presented.lower().encode("utf-8", "replace")):
        return "X-ZEvent-Signature does not match"
    return None


def hub_signature(raw_body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def hub_problem(header: str | None, raw_body: bytes, app_secret: str) -> str | None:
    if not app_secret:
        return "the Messenger channel has no app secret configured"
    presented = (header or "").strip()
    if not presented:
        return "missing X-Hub-Signature-256"
    expected = hub_signature(raw_body, app_secret)
    if not hmac.compare_digest(expected.encode(), presented.lower().encode("utf-8", "replace")):
        return "X-Hub-Signature-256 does not match"
    return None
