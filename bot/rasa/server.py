"""Our Rasa server: ``python -m bot.rasa.server`` (the Procfile's ``rasa`` process).

Replaces ``rasa run --enable-api``. One process, one loaded model, two listeners
(see :mod:`bot.rasa.admin_api`), and ``RASA_NLU_WORKERS`` child processes that parse the
messages (:mod:`bot.rasa.nlu_workers`; Rasa's graph runner and event lookup are
replaced by :mod:`bot.rasa.speedups`):

    public  RASA_HOST:RASA_PORT              channel webhooks, socket.io, GET /
    admin   RASA_ADMIN_HOST:RASA_ADMIN_PORT  allowlisted Rasa API, ?token=RASA_TOKEN
            (127.0.0.1 unless set otherwise; the web app, desk and notices use RASA_URL)

Start-up refuses (exit code 78, which the supervisor does not retry) when RASA_TOKEN or
ACTION_SERVER_SECRET is empty or published, or, in production (BOT_ENV=production) or with
an admin listener reachable from other hosts, shorter than 32 random characters. The
ports are bound before the model loads (connections then wait instead of being refused)
and served once it is loaded: `GET /` answering means ready. Behind a balancer with
another instance (the production profile), ``RASA_EARLY_BIND=false`` opens them only once
the model is loaded: a restarting instance refuses connections, and the balancer sends
its messages to the other one instead of letting them wait 20-40 s.

Faults (bot.rasa.resilience): remote actions time out after ACTION_TIMEOUT_S and answer
the apology; so does any failure of message handling (lock store, tracker store, broker).
Logging: bot.logs (phones masked, no message text on error lines, INFO floor in
production).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass
from typing import Any

from bot import perfstats
from bot.config import PROJECT_ROOT, bot_env
from bot.logs import adopt_library_loggers, configure_logging
from bot.rasa.nlu_workers import NluWorkers, default_worker_count
from bot.tokens import (
    ACTION_SERVER_SECRET,
    EXIT_CONFIG,
    RASA_TOKEN,
    WeakSecretError,
    check_secret,
    is_loopback,
)

log = logging.getLogger("bot.rasa.server")
FALSE_WORDS = ("0", "false", "no", "off")


@dataclass(frozen=True)
class ServerOptions:
    model: str
    endpoints: str
    credentials: str
    host: str
    port: int
    admin_host: str
    admin_port: int
    cors: list[str]
    token: str
    max_body_bytes: int
    proxies_count: int = 0  # RASA_PROXIES_COUNT: proxies in front of the channels (X-Forwarded-For)
    early_bind: bool = True  # RASA_EARLY_BIND: open the ports before the model loads
    nlu_workers: int = 0  # RASA_NLU_WORKERS: processes that parse (bot.rasa.nlu_workers)


def parse_options(argv: list[str] | None, environ: dict[str, str]) -> ServerOptions:
    """Command line first, then the environment (as `make run` sets it)."""
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.server", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=environ.get("MODEL_PATH", ""))
    parser.add_argument("--endpoints", default=str(PROJECT_ROOT / "endpoints.yml"))
    parser.add_argument("--credentials", default=str(PROJECT_ROOT / "credentials.yml"))
    parser.add_argument("--host", default=environ.get("RASA_HOST") or "0.0.0.0")
    parser.add_argument("--port", type=int, default=int(environ.get("RASA_PORT") or 5005))
    parser.add_argument("--admin-host", default=environ.get("RASA_ADMIN_HOST") or "127.0.0.1")
    parser.add_argument("--admin-port", type=int, default=int(environ.get("RASA_ADMIN_PORT") or 5105))
    parser.add_argument("--cors", action="append", default=None, help="allowed origin (repeatable)")
    args = parser.parse_args(argv)
    if not args.model:
        parser.error("no model: pass --model or set MODEL_PATH (`python -m bot.modelcache ensure` prints it)")
    strict = bot_env(environ) == "production" or not is_loopback(args.admin_host)
    token = check_secret(RASA_TOKEN, environ, strict=strict)
    check_secret(ACTION_SERVER_SECRET, environ, strict=strict)
    cors = args.cors or [o.strip() for o in re.split(r"[,\s]+", environ.get("WEB_ORIGIN") or "") if o.strip()]
    return ServerOptions(
        model=args.model, endpoints=args.endpoints, credentials=args.credentials,
        host=args.host, port=args.port, admin_host=args.admin_host, admin_port=args.admin_port,
        cors=cors, token=token,
        max_body_bytes=int(environ.get("RASA_MAX_BODY_BYTES") or 1024 * 1024),
        proxies_count=_proxies_count(environ.get("RASA_PROXIES_COUNT")),
        early_bind=(environ.get("RASA_EARLY_BIND") or "true").strip().lower() not in FALSE_WORDS,
        nlu_workers=default_worker_count(environ),
    )


def _proxies_count(raw: str | None) -> int:
    value = (raw or "").strip() or "0"
    if not value.isdecimal():
        raise ValueError(f"RASA_PROXIES_COUNT must be a whole number (proxies in front), not {value!r}")
    return int(value)


async def serve(options: ServerOptions, sockets: dict[str, socket.socket] | None = None) -> int:
    from rasa.core import agent as rasa_agent
    from rasa.core.run import close_resources, create_http_input_channels
    from rasa.core.utils import AvailableEndpoints

    from bot.rasa import admin_api, resilience, speedups
    from bot.rasa.listeners import start_listener, stop_listener

    resilience.install()
    speedups.install()
    endpoints = AvailableEndpoints.read_endpoints(options.endpoints)
    loop = asyncio.get_running_loop()
    workers = NluWorkers(options.model, options.nlu_workers) if options.nlu_workers else None
    if workers is not None:
        workers.start()  # they load the model while this process loads it too
    with functions_run_eagerly():
        agent = await rasa_agent.load_agent(model_path=options.model, endpoints=endpoints, loop=loop)
    if not agent.is_ready():
        log.error("the model at %s could not be loaded", options.model)
        return 1
    resilience.guard_message_handling(agent)
    lean_parse_message(agent.processor, workers)
    await agent.parse_message(WARM_UP_TEXT)  # traces the prediction graph before the ports open
    if perfstats.enabled():
        _time_turns(agent)
    channels = create_http_input_channels(None, options.credentials)
    public = admin_api.build_public_app(
        agent, channels, options.cors, options.max_body_bytes, proxies_count=options.proxies_count
    )
    admin = admin_api.build_admin_app(agent, options.token, options.max_body_bytes, channels)
    adopt_library_loggers()  # Sanic configured its own loggers while creating the apps

    sockets = sockets or {}
    servers = []
    listeners = (
        ("admin", admin, options.admin_host, options.admin_port),
        ("public", public, options.host, options.port),
    )
    for name, app, host, port in listeners:
        app.config.MOTD = False
        servers.append(await start_listener(app, host, port, sockets.get(name)))
    log.info(
        "Rasa server ready: channels on %s:%d, admin API on %s:%d",
        options.host, options.port, options.admin_host, options.admin_port,
    )

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("stopping the Rasa server")
    for server in servers:
        await stop_listener(server)
    await resilience.CLIENT.close()
    if workers is not None:
        workers.stop()
    with contextlib.suppress(Exception):
        await close_resources(public, loop)
    return 0


WARM_UP_TEXT = "xin chào, cho tôi xem hóa đơn tiền điện tháng 10"


@contextlib.contextmanager
def functions_run_eagerly() -> Any:
    """TensorFlow functions run eagerly while the model loads.

    To load DIET, Rasa first fits the model on one example (to build its weights and the
    optimizer's), then loads the trained weights over them. In graph mode that fit
    traces and compiles Keras's whole training step, which nothing runs again: about
    10 of the 14 s a load took. Eagerly it takes a fraction of a second, the weights
    loaded are the same, and the parses are identical (checked on the held-out set:
    intents, confidences, entities). The prediction graph is traced afterwards by one
    warm-up parse (``WARM_UP_TEXT``), before the ports open."""
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


def lean_parse_message(processor: Any, workers: NluWorkers | None = None) -> None:
    """Rasa's ``MessageProcessor.parse_message`` (3.6), less a cost, and in the NLU worker
    processes when there are some (:mod:`bot.rasa.nlu_workers`).

    Its check of the parsed intent and entities against the domain (a warning for unknown
    ones) built an empty Domain to compare with on every message (``Domain.is_empty``: a
    tenth of the event loop's time under load); the domain is known not to be empty once,
    at start. (A thread of its own for the NLU was measured too: the interpreter lock
    passed between the loop and the thread cost 15-20 % of throughput; docs/benchmarks.md.)"""
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = processor.domain
    check_domain = bool(domain) and not domain.is_empty()
    parse_with_graph, original = processor._parse_message_with_graph, processor.parse_message

    async def parse_message(message: Any, tracker: Any = None, only_output_properties: bool = True) -> Any:
        if processor.http_interpreter:
            return await original(message, tracker, only_output_properties)
        parse_data = await workers.parse(message) if workers is not None and only_output_properties else None
        if parse_data is None:  # no worker (yet), or the pool failed: parse here
            if tracker is None:
                tracker = DialogueStateTracker.from_events(message.sender_id, [])
            parse_data = parse_with_graph(message, tracker, only_output_properties)
        processor._update_full_retrieval_intent(parse_data)
        if check_domain:
            warn_unseen_features(domain, parse_data)
        return parse_data

    processor.parse_message = parse_message


def warn_unseen_features(domain: Any, parse_data: dict[str, Any]) -> None:
    """Rasa's warning for an intent or entity the domain does not know (the body of
    ``MessageProcessor._check_for_unseen_features``, the domain known not to be empty)."""
    from rasa.shared.nlu.constants import INTENT_NAME_KEY
    from rasa.shared.utils.io import raise_warning

    intent = (parse_data.get("intent") or {}).get(INTENT_NAME_KEY)
    if intent and intent not in domain.intents:
        raise_warning(f"Parsed an intent '{intent}' which is not defined in the domain.")
    for element in parse_data.get("entities") or []:
        entity = element.get("entity")
        if entity and entity not in domain.entities:
            raise_warning(f"Parsed an entity '{entity}' which is not defined in the domain.")


def _time_turns(agent: Any) -> None:
    """`make bench` (BOT_PERF_DIR set): time each message's handling and its NLU."""
    processor = agent.processor
    parse, handle = processor.parse_message, agent.handle_message

    async def timed_parse(message: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await parse(message, *args, **kwargs)
        finally:
            perfstats.record("rasa", "NLU (parse_message)", time.perf_counter() - started)

    async def timed_handle(message: Any) -> Any:
        started = time.perf_counter()
        try:
            return await handle(message)
        finally:
            perfstats.record("rasa", "whole message (handle_message)", time.perf_counter() - started)

    processor.parse_message = timed_parse
    agent.handle_message = timed_handle


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    configure_logging()
    perfstats.start("rasa")
    try:
        options = parse_options(argv, dict(os.environ))
    except (WeakSecretError, ValueError) as error:
        log.error("refusing to start: %s", error)
        return EXIT_CONFIG
    from bot.rasa.listeners import bind

    sockets: dict[str, socket.socket] = {}
    try:  # before the model loads: see bot.rasa.listeners
        if options.early_bind:
            sockets = {
                "admin": bind(options.admin_host, options.admin_port),
                "public": bind(options.host, options.port),
            }
    except OSError as error:
        log.error("cannot listen: %s", error)
        return 1
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is pinned with Rasa
        pass
    return asyncio.run(serve(options, sockets))


if __name__ == "__main__":
    sys.exit(main())
