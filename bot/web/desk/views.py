"""Desk pages and actions. Handlers stay thin: read the request, call a service, render.

Actions answer JSON to the page's script (``Accept: application/json``) and redirect
(303) to a page otherwise, so every form also works without JavaScript. Refusals carry a
Vietnamese reason: 400 (bad input), 403 (not yours), 404, 409 (someone else was faster).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, datetime, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.services import (
    desk_account,
    desk_auth,
    handoff,
    handoff_config,
    handoff_desk,
    handoff_messages,
    handoff_queue,
    handoff_stats,
    incidents,
    notices,
    one_time_codes,
    security_alerts,
)
from bot.services.handoff_desk import DeskError, HandoffOutcome
from bot.services.handoff_hours import HoursError
from bot.services.incidents import IncidentError
from bot.web.desk.auth import current, in_db, see_other, wants_json
from bot.web.desk.db import run_db
from bot.web.desk.filters import sms_body, sms_state
from bot.web.desk.rasa_client import AGENT_MESSAGE, HANDOFF_CLOSED
from bot.web.desk.state import DeskState, desk_state
from bot.web.health import PartHealth, check_all

log = logging.getLogger(__name__)

INCIDENTS_SHOWN = 20  # newest first, restored ones included (to reopen)
ALERTS_SHOWN = 30  # the last 7 days, open ones first
SMS_SHOWN = 20  # the last 2 days, newest first
NOTICE_WINDOW = timedelta(days=7)  # notice deliveries counted on the Giám sát page
NOTICE_EVENTS_SHOWN = 10
OUTCOMES = {
    HandoffOutcome.RESOLVED.value: "Đã giải quyết",
    HandoffOutcome.TICKET.value: "Đã tạo phiếu cho bộ phận liên quan",
    HandoffOutcome.CALLBACK.value: "Hẹn gọi lại",
    HandoffOutcome.CALLED_BACK.value: "Đã gọi lại cho khách",
    HandoffOutcome.UNRESOLVED.value: "Chưa giải quyết được",
    HandoffOutcome.NO_RESPONSE.value: "Khách không phản hồi",
}


def _id(request: web.Request) -> int:
    try:
        return int(request.match_info["handoff_id"])
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không tìm thấy cuộc trò chuyện này.") from None


def _answer(request: web.Request, payload: dict[str, Any], location: str, status: int = 200) -> web.Response:
    if wants_json(request):
        return web.json_response(payload, status=status, dumps=_dumps)
    return see_other(location)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return vars(value) if hasattr(value, "__dict__") else str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _refused(
    request: web.Request, error: DeskError | IncidentError | HoursError, location: str
) -> web.Response:
    status = getattr(error, "status", 400)
    if wants_json(request):
        return web.json_response({"ok": False, "error": str(error)}, status=status, dumps=_dumps)
    return web.Response(status=status, text=str(error), content_type="text/plain", charset="utf-8")


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="JSON không hợp lệ.") from None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    form = await request.post()
    return {k: str(v) for k, v in form.items()}


# ------------------------------------------------------------- Rasa round trips


async def deliver(state: DeskState, conversation_id: str) -> bool:
    """Ask Rasa to send the conversation's pending agent messages (action_agent_message)."""
    url = state.settings.database_url
    async with state.lock_for(conversation_id):
        status = await state.rasa.execute(conversation_id, AGENT_MESSAGE)
        if status != 200:
            await run_db(url, handoff_messages.note_delivery_failure, conversation_id)
    return status == 200


async def resume(state: DeskState, conversation_id: str) -> bool:
    """Give the conversation back to the bot (action_handoff_closed says so and asks a rating)."""
    async with state.lock_for(conversation_id):
        await state.rasa.execute(conversation_id, AGENT_MESSAGE)  # anything the agent still had queued
        status = await state.rasa.execute(conversation_id, HANDOFF_CLOSED)
    if status == 404:  # Rasa has no such conversation (any more): nobody to tell
        await run_db(state.settings.database_url, handoff.closing_notice, conversation_id)
    return status == 200


def in_background(state: DeskState, job: Any) -> None:
    task = asyncio.get_running_loop().create_task(job)
    state.tasks.append(task)
    task.add_done_callback(lambda t: state.tasks.remove(t) if t in state.tasks else None)


async def _deliver_and_report(state: DeskState, handoff_id: int, conversation_id: str) -> None:
    await deliver(state, conversation_id)
    messages = await run_db(state.settings.database_url, handoff_messages.messages_of, handoff_id)
    await state.hub.push_handoff(handoff_id, "messages")
    for message in messages:
        if message.direction == "agent":
            await state.hub.push_message(handoff_id, message)


# ------------------------------------------------------------------------ pages


def _base(request: web.Request, **context: Any) -> dict[str, Any]:
    info = current(request)
    return {"me": info, "csrf": info.csrf_token if info else "", "now": clock.now(), **context}


async def queue_page(request: web.Request) -> web.Response:
    snapshot = await in_db(request, handoff_queue.queue_snapshot)
    return aiohttp_jinja2.render_template("queue.html", request, _base(request, queue=snapshot))


async def api_queue(request: web.Request) -> web.Response:
    snapshot = await in_db(request, handoff_queue.queue_snapshot)
    return web.json_response(
        {
            "waiting": [vars(i) for i in snapshot.waiting],
            "active": [vars(i) for i in snapshot.active],
            "callbacks": [vars(c) for c in snapshot.callbacks],
        },
        dumps=_dumps,
    )


def _conversation_context(session: Any, handoff_id: int, agent_name: str) -> dict[str, Any]:
    detail = handoff_desk.handoff_detail(session, handoff_id)
    return {
        "h": detail,
        "agents": [a for a in desk_auth.online_agents(session) if a.id != detail.agent_id],
        "canned": handoff_stats.canned_replies(agent_name),
        "outcomes": OUTCOMES,
    }


async def conversation_page(request: web.Request) -> web.Response:
    info = current(request)
    try:
        context = await in_db(request, _conversation_context, _id(request), info.agent.display_name)
    except DeskError as error:
        return _refused(request, error, "/desk/")
    return aiohttp_jinja2.render_template("conversation.html", request, _base(request, **context))


async def api_handoff(request: web.Request) -> web.Response:
    try:
        detail = await in_db(request, handoff_desk.handoff_detail, _id(request))
    except DeskError as error:
        return _refused(request, error, "/desk/")
    payload = vars(detail) | {"summary": vars(detail.summary), "messages": [vars(m) for m in detail.messages]}
    payload["callback"] = vars(detail.callback) if detail.callback else None
    return web.json_response(payload, dumps=_dumps)


async def account_panel(request: web.Request) -> web.Response:
    """The customer's account beside the conversation; every view is audited with the agent."""
    info = current(request)
    try:
        detail = await in_db(request, handoff_desk.handoff_detail, _id(request))
    except DeskError as error:
        return _refused(request, error, "/desk/")
    account = None
    if detail.customer_code:
        account = await in_db(
            request, desk_account.account_summary, detail.customer_code, info.agent.id, detail.id
        )
    return aiohttp_jinja2.render_template("_account.html", request, _base(request, account=account, h=detail))


# ---------------------------------------------------------------------- actions


async def take(request: web.Request) -> web.Response:
    info, state = current(request), desk_state(request.app)
    handoff_id = _id(request)
    try:
        result = await in_db(request, handoff_desk.take, handoff_id, info.agent.id)
    except DeskError as error:
        return _refused(request, error, "/desk/")
    await state.hub.push_queue()
    if not result.ok:
        reason = (
            f"{result.agent_name} đã nhận cuộc trò chuyện này."
            if result.agent_name
            else "Cuộc này đã kết thúc."
        )
        payload = {"ok": False, "error": reason, "agent": result.agent_name, "status": result.status}
        if wants_json(request):
            return web.json_response(payload, status=409, dumps=_dumps)
        return see_other(f"/desk/handoffs/{handoff_id}")
    detail = await in_db(request, handoff_desk.handoff_detail, handoff_id)
    in_background(state, _deliver_and_report(state, handoff_id, detail.conversation_id))  # "agent joined"
    return _answer(request, {"ok": True, "agent": result.agent_name}, f"/desk/handoffs/{handoff_id}")


async def reply(request: web.Request) -> web.Response:
    info, state = current(request), desk_state(request.app)
    handoff_id = _id(request)
    form = await _form(request)
    try:
        message = await in_db(
            request, handoff_desk.add_agent_message, handoff_id, info.agent.id, form.get("text", "")
        )
        detail = await in_db(request, handoff_desk.handoff_detail, handoff_id)
    except DeskError as error:
        return _refused(request, error, f"/desk/handoffs/{handoff_id}")
    await state.hub.push_message(handoff_id, message)
    in_background(state, _deliver_and_report(state, handoff_id, detail.conversation_id))
    return _answer(request, {"ok": True, "message": vars(message)}, f"/desk/handoffs/{handoff_id}")


async def transfer(request: web.Request) -> web.Response:
    info, state = current(request), desk_state(request.app)
    handoff_id = _id(request)
    form = await _form(request)
    target = form.get("to", "queue")
    try:
        to_agent = None if target == "queue" else int(target)
    except ValueError:
        return _refused(request, DeskError("Chọn người nhận.", 400), f"/desk/handoffs/{handoff_id}")
    try:
        detail = await in_db(request, handoff_desk.transfer, handoff_id, info.agent.id, to_agent)
    except DeskError as error:
        return _refused(request, error, f"/desk/handoffs/{handoff_id}")
    await state.hub.push_queue()
    await state.hub.push_handoff(handoff_id, detail.status, f"Chuyển cho {detail.agent_name or 'hàng chờ'}.")
    return _answer(request, {"ok": True, "status": detail.status, "agent": detail.agent_name}, "/desk/")


async def close(request: web.Request) -> web.Response:
    info, state = current(request), desk_state(request.app)
    handoff_id = _id(request)
    form = await _form(request)
    try:
        detail = await in_db(
            request, handoff_desk.close, handoff_id, info.agent.id, form.get("outcome", ""), form.get("note")
        )
    except DeskError as error:
        return _refused(request, error, f"/desk/handoffs/{handoff_id}")
    await state.hub.push_queue()
    await state.hub.push_handoff(handoff_id, detail.status, "Đã kết thúc.")
    if detail.queued_at is not None:  # the bot was paused: give the conversation back
        in_background(state, resume(state, detail.conversation_id))
    return _answer(request, {"ok": True, "status": detail.status}, "/desk/")


# ------------------------------------------------------------------- supervisor


def _supervisor_context(uow: Any) -> dict[str, Any]:
    return {
        "stats": handoff_stats.desk_stats(uow),
        "incidents": incidents.list_incidents(uow, include_restored=True, limit=INCIDENTS_SHOWN),
        "hours": handoff_config.working_hours(uow).describe(),
        "hours_overridden": handoff_config.hours_overridden(uow),
        "configured_hours": handoff_config.load_config().hours.describe(),
        "callbacks": handoff_queue.pending_callbacks(uow),
        **_security_and_notices(uow),
    }


def _security_and_notices(uow: Any) -> dict[str, Any]:
    """Security alerts (open first), the SMS outbox, notice deliveries by channel and event."""
    since = clock.now() - NOTICE_WINDOW
    alerts = security_alerts.recent_alerts(uow, include_acknowledged=True, limit=ALERTS_SHOWN)
    return {
        "alerts": sorted(alerts, key=lambda a: (not a.open, -a.last_at.timestamp())),
        "sms": one_time_codes.outbox(uow, limit=SMS_SHOWN),
        "deliveries": notices.delivery_counts(uow, since=since),
        "events": notices.deliveries_by_event(uow, since=since, limit=NOTICE_EVENTS_SHOWN),
        "notice_since": since,
    }


async def _health(request: web.Request) -> list[PartHealth]:
    """/health/details for the supervisor (the same checks, each within 3 s)."""
    state = desk_state(request.app)
    try:
        return await check_all(state.settings, state.rasa.http)
    except Exception as error:  # the page shows the rest; a failing check is no reason to fail it
        log.warning("health details for the desk failed: %s", type(error).__name__)
        return []


async def supervisor_page(request: web.Request) -> web.Response:
    context, health = await asyncio.gather(in_db(request, _supervisor_context), _health(request))
    return aiohttp_jinja2.render_template(
        "supervisor.html", request, _base(request, health=health, **context)
    )


async def api_supervisor(request: web.Request) -> web.Response:
    """The security and notice part of the Giám sát page, and the health details, as JSON."""
    context, health = await asyncio.gather(in_db(request, _security_and_notices), _health(request))
    now = clock.now()
    return web.json_response(
        {
            "health": {p.name: p.as_dict() for p in health},
            "alerts": [vars(a) | {"open": a.open} for a in context["alerts"]],
            "sms": [
                vars(m) | {"body": sms_body(m.body), "state": sms_state(m, now)} for m in context["sms"]
            ],
            "deliveries": vars(context["deliveries"]),
            "events": [vars(e) for e in context["events"]],
        },
        dumps=_dumps,
    )


async def alert_acknowledge(request: web.Request) -> web.Response:
    """A supervisor has seen a security alert (who and when are kept with it)."""
    info = current(request)
    try:
        alert_id = int(request.match_info["alert_id"])
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không có cảnh báo này.") from None
    who = f"{info.agent.display_name} ({info.agent.username})"
    if not await in_db(request, security_alerts.acknowledge, alert_id, who):
        error = DeskError("Cảnh báo này không còn, hoặc đã được xác nhận.", 409)
        return _refused(request, error, "/desk/supervisor")
    log.info("security alert %d acknowledged by desk agent %d", alert_id, info.agent.id)
    return _answer(request, {"ok": True, "id": alert_id}, "/desk/supervisor#security")


class BadMoment(ValueError):
    pass


def _parse_moment(text: str) -> datetime:
    """A future moment (Vietnam time) from ``HH:MM`` (today, or tomorrow if passed) or
    ``dd/mm/yyyy HH:MM``."""
    value = (text or "").strip()
    now = clock.now()
    for pattern in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            moment = datetime.strptime(value, pattern).replace(tzinfo=clock.VN_TZ)
        except ValueError:
            continue
        if moment <= now:
            raise BadMoment("Giờ dự kiến có điện phải sau thời điểm hiện tại.")
        return moment
    try:
        moment = datetime.strptime(value, "%H:%M").replace(year=now.year, month=now.month, day=now.day)
    except ValueError:
        raise BadMoment("Giờ dự kiến ghi theo dạng HH:MM hoặc dd/mm/yyyy HH:MM.") from None
    moment = moment.replace(tzinfo=clock.VN_TZ)
    return moment if moment > now else moment + timedelta(days=1)


async def incident_update(request: web.Request) -> web.Response:
    """Expected restoration, restored, or reopened: :mod:`bot.services.incidents`, which the
    bot's answers read (the next customer gets the new time)."""
    form = await _form(request)
    code = request.match_info["code"]
    action = form.get("action", "expected")
    try:
        if action == "expected":
            changed = await in_db(
                request,
                incidents.update_incident,
                code,
                expected_restoration_at=_parse_moment(form.get("expected", "")),
            )
            view, resolved = changed.incident, 0
        elif action == "restored":
            restored = await in_db(request, incidents.restore_incident, code)
            view, resolved = restored.incident, restored.tickets_resolved
        elif action == "reopen":
            view, resolved = (
                (await in_db(request, incidents.update_incident, code, status="open")).incident,
                0,
            )
        else:
            raise BadMoment("Không rõ thao tác.")
    except BadMoment as error:
        return _refused(request, DeskError(str(error), 400), "/desk/supervisor")
    except incidents.AlreadyRestored:
        return _refused(
            request, DeskError("Sự cố này đã được đánh dấu có điện lại.", 409), "/desk/supervisor"
        )
    except IncidentError:
        return _refused(request, DeskError("Không có sự cố này.", 404), "/desk/supervisor")
    return _answer(request, {"ok": True, "incident": view, "resolved_tickets": resolved}, "/desk/supervisor")


async def hours_update(request: web.Request) -> web.Response:
    info = current(request)
    form = await _form(request)
    try:
        hours = await in_db(request, handoff_config.set_working_hours, form.get("hours"), info.agent.id)
    except HoursError as error:
        return _refused(request, error, "/desk/supervisor")
    return _answer(request, {"ok": True, "hours": hours.describe()}, "/desk/supervisor")
