"""Request plumbing shared by our Sanic endpoints: capped bodies, JSON, clear errors.

Our webhook routes are streaming routes, so a body is read chunk by chunk and refused
with 413 as soon as it passes the cap (never buffered whole), and the rest of an
oversized upload is not read either.
"""

from __future__ import annotations

import json
from typing import Any

from sanic import response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.errors import BadRequest


class TooLarge(Exception):
    """The request body is over the cap (answer 413)."""


def error(status: int, code: str, reason: str, headers: dict[str, str] | None = None) -> HTTPResponse:
    """A JSON error a client can act on: ``{"error": code, "reason": sentence}``."""
    return response.json({"error": code, "reason": reason}, status=status, headers=headers)


def too_large(cap: int) -> HTTPResponse:
    return error(413, "body_too_large", f"the request body is larger than {cap} bytes")


async def read_body(request: Request, cap: int) -> bytes:
    """The whole body of a streaming route, or TooLarge past ``cap`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > cap:
        _stop_reading(request, cap)
        raise TooLarge
    if request.stream is None:  # not a streaming route (tests may mount one like that)
        body = request.body or b""
        if len(body) > cap:
            raise TooLarge
        return body
    _stop_reading(request, cap)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            size += len(chunk)
            if size > cap:
                raise TooLarge
            chunks.append(chunk)
    except PayloadTooLarge as exceeded:
        raise TooLarge from exceeded
    body = b"".join(chunks)
    request.body = body
    return body


def _stop_reading(request: Request, cap: int) -> None:
    """Sanic drains an unread body after the handler, up to this size, then closes."""
    stream = request.stream
    if stream is not None and hasattr(stream, "request_max_size"):
        stream.request_max_size = min(stream.request_max_size, cap)


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or BadRequest with the reason."""
    if not raw.strip():
        raise BadRequest("body_empty", "the request body is empty: send a JSON object")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as failure:  # bad JSON, bad UTF-8, 5000-digit numbers
        raise BadRequest("body_not_json", "the request body is not valid JSON") from failure
    if not isinstance(value, dict):
        raise BadRequest("body_not_object", "the request body must be a JSON object")
    return value
