"""Our action server: ``python -m bot.rasa.action_server`` (the Procfile's ``actions``).

Replaces ``rasa run actions``. Built on rasa_sdk's :class:`ActionExecutor` (the same
action registry and tracker handling), with our own small HTTP layer instead of
rasa_sdk's app, because that app echoes the whole tracker back in its 500 answers and logs
it, and authenticates nobody:

- binds ``ACTION_HOST`` (127.0.0.1 by default) on ``ACTION_PORT``;
- every route but ``GET /health`` needs the shared secret ``ACTION_SERVER_SECRET`` in the
  ``X-Action-Secret`` header (constant-time comparison), which Rasa sends from
  endpoints.yml; without it: 401 and nothing else;
- an action that raises (the database down or locked, a bug) answers the customer with
  the apology (200, no events: the conversation state is unchanged) and is logged once
  per incident (bot.faults.FaultLog): "database unavailable: OperationalError ..." then
  "database back after 42 s"; bugs are logged with their traceback (no local variables);
- errors never carry the request body.

Exit code 78 (no restart by the supervisor) when the secret is missing or weak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
import zlib
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot import perfstats
from bot.config import bot_env
from bot.faults import DATABASE, FaultLog, is_database_error, process_faults, technical_apology
from bot.logs import adopt_library_loggers, configure_logging
from bot.tokens import (
    ACTION_SECRET_HEADER,
    ACTION_SERVER_SECRET,
    EXIT_CONFIG,
    WeakSecretError,
    check_secret,
    is_loopback,
    same_secret,
)
from bot.wording.common import database_unavailable

log = logging.getLogger("bot.rasa.action_server")
FAULTS: FaultLog = process_faults()
KEEP_ALIVE_S = 75  # above Rasa's pooled keep-alive (bot.rasa.resilience.KEEPALIVE_S)
MAX_BODY_BYTES = 16 * 1024 * 1024  # Rasa sends the whole tracker with every call
OPEN_PATHS = frozenset({"/health"})


def apology_answer(text: str) -> dict[str, Any]:
    return {"events": [], "responses": [{"text": text}]}


def _error(status: int, message: str) -> response.HTTPResponse:
    return response.json({"error": message}, status=status)


def _read_action_call(request: Request) -> dict[str, Any] | None:
    raw = request.body or b""
    if request.headers.get("Content-Encoding") == "deflate":
        raw = zlib.decompress(raw)
    call = json.loads(raw)
    return call if isinstance(call, dict) and call.get("next_action") else None


def _database_answers() -> bool:
    from bot.services.health import check_database

    check_database()
    return True


PROBE_EVERY_S = 2.0
_probe: dict[str, Any] = {"task": None, "at": 0.0}


async def _probe_database() -> None:
    try:
        await asyncio.to_thread(_database_answers)
    except Exception:
        return
    FAULTS.succeeded(DATABASE)


def _note_success() -> None:
    """An action succeeded; if the database was failing, check in the background (never
    delaying an answer) whether it is back, at most once every PROBE_EVERY_S."""
    if DATABASE not in FAULTS.failing():
        return
    task, now = _probe["task"], time.monotonic()
    if (task is None or task.done()) and now - _probe["at"] >= PROBE_EVERY_S:
        _probe["at"] = now
        _probe["task"] = asyncio.create_task(_probe_database())


def create_app(secret: str, actions_package: str = "actions") -> Sanic:
    from rasa_sdk import utils as sdk_utils
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    app = Sanic("action_server", configure_logging=False)
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_S
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    executor = ActionExecutor()
    logging.getLogger("rasa_sdk.executor").setLevel(logging.WARNING)  # one line per action otherwise
    executor.register_package(actions_package)
    log.info("%d actions registered from %s", len(executor.actions), actions_package)

    @app.on_request
    async def require_secret(request: Request) -> Any:
        if request.path in OPEN_PATHS:
            return None
        if not same_secret(request.headers.get(ACTION_SECRET_HEADER), secret):
            return _error(401, "missing or wrong shared secret")
        return None

    @app.get("/health")
    async def health(_request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_request: Request) -> response.HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> response.HTTPResponse:
        try:
            action_call = _read_action_call(request)
        except (ValueError, zlib.error):
            return _error(400, "the body is not a JSON action call")
        if action_call is None:
            return _error(400, "the body is not an action call (no next_action)")
        sdk_utils.check_version_compatibility(action_call.get("version"))
        name = str(action_call["next_action"])
        started = time.perf_counter()
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as rejection:
            body = {"error": rejection.message, "action_name": rejection.action_name}
            return response.json(body, status=400)
        except ActionNotFoundException as missing:
            log.error("action not found: %s", missing.action_name)
            return response.json({"error": missing.message, "action_name": missing.action_name}, status=404)
        except Exception as error:  # never silence, never a stack trace to the customer
            if is_database_error(error):
                FAULTS.failed(DATABASE, error, consequence="actions answer with the apology")
                return response.json(apology_answer(database_unavailable()))
            FAULTS.failed(f"action {name}", error, consequence="it answers with the apology", trace=True)
            return response.json(apology_answer(technical_apology()))
        perfstats.record("action", name, time.perf_counter() - started)
        FAULTS.succeeded(f"action {name}")
        _note_success()
        return response.json(result or {"events": [], "responses": []})

    @app.exception(Exception)
    async def any_error(request: Request, error: Exception) -> response.HTTPResponse:
        if isinstance(error, SanicException):
            return _error(error.status_code, str(error) or "bad request")
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return _error(500, "internal error")

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.rasa.action_server", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--actions", default="actions", help="package with the actions")
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT") or 5055))
    args = parser.parse_args(argv)
    configure_logging()
    perfstats.start("actions")
    strict = bot_env() == "production" or not is_loopback(args.host)
    try:
        secret = check_secret(ACTION_SERVER_SECRET, os.environ, strict=strict)
    except WeakSecretError as error:
        log.error("refusing to start: %s", error)
        return EXIT_CONFIG
    app = create_app(secret, args.actions)
    adopt_library_loggers()
    log.info("action server on %s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, access_log=False, workers=1, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
