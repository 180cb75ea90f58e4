"""Widget session ids: issued by us, random, signed; a bearer secret (pure apart from the key file).

A session id is ``<32 characters: 192 random bits>.<22 characters: HMAC-SHA256 tag>``
(URL-safe base64). Only ids whose tag we can check are accepted: a ``session_request``
with any other id gets a new one. The conversation id Rasa stores is ``web:`` plus a
hash of the session id, so trackers, logs and the agent desk never hold the secret; the
same hash is the identity key verification is bound to (per conversation, expiring).

The signing key is ``WEBCHAT_SESSION_SECRET``; without it, a random key is created once
in ``var/webchat-session.key`` (one machine; set the variable when several Rasa
instances serve the widget).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

RANDOM_BYTES = 24  # 192 bits
TAG_BYTES = 16
PREFIX = "web:"
_FORMAT = re.compile(r"^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _tag(key: bytes, random_part: str) -> str:
    digest = hmac.new(key, b"webchat-session:" + random_part.encode(), hashlib.sha256).digest()
    return _b64(digest[:TAG_BYTES])


def issue(key: bytes) -> str:
    random_part = _b64(secrets.token_bytes(RANDOM_BYTES))
    return f"{random_part}.{_tag(key, random_part)}"


def is_ours(session_id: object, key: bytes) -> bool:
    """True for a well-formed id whose tag we made (constant-time comparison)."""
    if not isinstance(session_id, str) or not _FORMAT.match(session_id):
        return False
    random_part, tag = session_id.split(".")
    return hmac.compare_digest(_tag(key, random_part).encode(), tag.encode())


def session_key(session_id: str) -> str:
    """The opaque, stable key of a session (conversation id suffix and identity key)."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:40]


def conversation_id(session_id: str) -> str:
    return PREFIX + session_key(session_id)


def signing_key(configured: str, var_dir: Path) -> bytes:
    """The configured secret, or the one kept in ``var/webchat-session.key`` (created once)."""
    if configured:
        return configured.encode()
    path = var_dir / "webchat-session.key"
    try:
        return path.read_bytes().strip() or _create(path)
    except FileNotFoundError:
        return _create(path)


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()  # another process created it first
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    log.warning("webchat: no WEBCHAT_SESSION_SECRET set; created a signing key in %s", path)
    return key
