"""The agent desk (``/desk``): customer-care agents and supervisors take handed-over
conversations, reply, transfer and close them; supervisors follow the desk and update
incidents. Server-rendered pages (aiohttp-jinja2), a little JavaScript, one WebSocket.

:func:`setup_desk` adds the routes, the guard middleware (bot.web.desk.auth) and two
background tasks to the web app: the reader of Rasa's event stream (bot.web.desk.broker)
and the worker that retries deliveries to Rasa (bot.web.desk.worker). docs/desk.md tells
how agents and supervisors work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.config import Settings, desk_events_queue, event_broker_kind, event_broker_url
from bot.web.desk import auth, filters, live, views, worker
from bot.web.desk.broker import EventHandler, PikaEventReader, SqlEventReader, shown_url
from bot.web.desk.rasa_client import RasaClient
from bot.web.desk.state import DESK_KEY, DeskState, desk_state

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent


def _routes(app: web.Application) -> None:
    get, post = app.router.add_get, app.router.add_post
    get("/desk", views.queue_page)
    get("/desk/", views.queue_page)
    post("/desk/login", auth.login)
    post("/desk/logout", auth.logout)
    get("/desk/ws", live.websocket)
    get("/desk/api/queue", views.api_queue)
    get("/desk/handoffs/{handoff_id}", views.conversation_page)
    get("/desk/api/handoffs/{handoff_id}", views.api_handoff)
    get("/desk/handoffs/{handoff_id}/account", views.account_panel)
    post("/desk/handoffs/{handoff_id}/take", views.take)
    post("/desk/handoffs/{handoff_id}/messages", views.reply)
    post("/desk/handoffs/{handoff_id}/transfer", views.transfer)
    post("/desk/handoffs/{handoff_id}/close", views.close)
    get("/desk/supervisor", auth.require_supervisor(views.supervisor_page))
    post("/desk/incidents/{code}", auth.require_supervisor(views.incident_update))
    post("/desk/settings/hours", auth.require_supervisor(views.hours_update))
    get("/desk/api/supervisor", auth.require_supervisor(views.api_supervisor))
    post("/desk/security/alerts/{alert_id}/acknowledge", auth.require_supervisor(views.alert_acknowledge))
    app.router.add_static("/desk/static/", HERE / "static", name="desk_static")


async def _rasa_client(app: web.Application) -> AsyncIterator[None]:
    state = desk_state(app)
    http = aiohttp.ClientSession()
    state.rasa = RasaClient(state.settings.rasa_url, state.settings.rasa_token, http)
    yield
    for task in list(state.tasks):
        task.cancel()
    await asyncio.gather(*state.tasks, return_exceptions=True)
    for client in list(state.hub.clients):
        with contextlib.suppress(Exception):
            await client.ws.close()
    await http.close()


async def _background(app: web.Application) -> AsyncIterator[None]:
    state = desk_state(app)
    handler = EventHandler(state.settings.database_url, state, lambda cid: views.resume(state, cid))
    url = event_broker_url()
    kind = event_broker_kind(url)
    reader: SqlEventReader | PikaEventReader | None = None
    with contextlib.suppress(Exception):
        await handler.load_paused()
    if kind == "sql":
        reader = SqlEventReader(url, state.settings.database_url, handler)
    elif kind == "pika":
        reader = PikaEventReader(url, desk_events_queue(), handler)
    tasks = [asyncio.create_task(worker.run(state), name="desk-worker")]
    if reader is not None:
        log.info("desk reads Rasa's events from %s", shown_url(url))
        tasks.append(asyncio.create_task(reader.run(), name="desk-events"))
    else:
        log.warning("no EVENT_BROKER_URL: agents will not see customers' messages live")
    state.background = tasks
    yield
    await _stop_background(app)
    if isinstance(reader, SqlEventReader):
        reader.close()


async def _stop_background(app: web.Application) -> None:
    """Runs on shutdown, before aiohttp waits (up to 60 s) for every task started after the
    start-up: the RabbitMQ client's connection tasks end only with the event reader, so
    SIGTERM used to take the supervisor's whole 20 s grace period, then SIGKILL."""
    tasks = desk_state(app).background
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def setup_desk(app: web.Application, settings: Settings, background: bool = True) -> None:
    """Add the desk to the web app (before it starts)."""
    state = DeskState(settings=settings)
    app[DESK_KEY] = state
    state.hub = live.Hub(app, settings.database_url)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    filters.install(env)
    app.middlewares.append(auth.desk_middleware)
    _routes(app)
    app.cleanup_ctx.append(_rasa_client)
    if background:
        app.cleanup_ctx.append(_background)
        app.on_shutdown.append(_stop_background)
