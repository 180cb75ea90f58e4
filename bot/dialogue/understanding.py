"""What a message asks, from the NLU's intents, corrected with the text and the context.

The NLU gives intents (``ask_bill``, combined ones such as ``ask_bill+ask_debt``);
this module only corrects what the NLU cannot know or often misses:

* a message that is only a new detail ("còn tháng 9 thì sao", "thế 400 số?") asks the
  topic on screen again (``inform``), whatever intent the words resembled;
* "thôi", "hủy", "khỏi", "không cần nữa" end what is pending (``cancel``);
* "bị cắt điện chưa", "sao nhà tôi bị cắt điện" ask about the supply
  (``ask_supply_status``), never a yes/no;
* right after an outage answer, "vì sao cắt vậy" asks its reason, "chi tiết hơn" more
  about it, "có ai tới không" what happens next with the ticket;
* a second question joined by "với", "và", "rồi"... is added when the NLU named one only.

Each correction is a small pattern on the plain text (no diacritics), in one place, so
it can be dropped once the NLU learns the case.
"""

from __future__ import annotations

import re

from bot.dialogue import keywords
from bot.dialogue.details import Details, is_bare_follow_up
from bot.dialogue.state import State
from bot.dialogue.text import plain
from bot.dialogue.turn import Turn
from bot.nlu.core import read as reader

CANCEL = "cancel"
INFORM = "inform"
# Intents that keep their meaning whatever the context (safety, people, endings).
FIRM_INTENTS = frozenset({"report_hazard", "request_human", "goodbye", "thank", "greet"})

OUTAGE_TOPICS = frozenset(
    {"outage_schedule", "restore_time", "outage_report", "supply_status", "outage_reason", "hazard"}
)

_CANCEL_RE = re.compile(
    r"^(?:thoi|thoi khoi|khoi|huy|huy bo|huy di|thoi huy|khong can|khong can nua|ko can|k can|"
    r"khoi can|thoi khong can|thoi khong can nua|thoi bo qua|bo qua|dung lai|thoi de sau|de sau|"
    r"thoi nha|thoi a|thoi em|thoi khong tra nua|khong tra nua|thoi di)"
    r"(?: (?:nha|a|nhe|di|roi|em|nua|nghen|ne))*$"
)
_OUTAGE_WORDS = r"(?:cat|cup|mat|ngung|ngat) dien"
_SUPPLY_RE = re.compile(
    rf"(?:^|\b)(?:(?:co |da |dang )?bi )?{_OUTAGE_WORDS} (?:chua|khong|ko|k|hong|hok|ha|a|hay sao|roi ha)$"
    rf"|\b(?:sao|tai sao|vi sao|sao lai|tai sao lai) (?:nha |dien nha )?(?:toi|tui|minh|em|tao|nha)?\s*"
    rf"(?:lai )?bi {_OUTAGE_WORDS}"
    rf"|\bnha (?:toi|tui|minh|em) (?:co )?bi {_OUTAGE_WORDS} (?:khong|ko|k|chua|hong|ha)\b"
    rf"|\bdien (?:nha )?(?:toi|tui|minh|em) (?:co )?bi (?:cat|cup|ngung|ngat) (?:chua|khong|ko|k|hong)\b"
)
_SCHEDULE_WORDS = re.compile(
    r"\b(?:lich|ke hoach|sap toi|sap|ngay mai|tuan|thu \d|bao gio cat|khi nao cat)\b"
)
_REASON_RE = re.compile(
    r"\b(?:vi sao|tai sao|sao lai|ly do|nguyen nhan|do dau|vi gi|sao (?:cat|cup|mat|ngung))\b"
)
_MORE_RE = re.compile(r"\b(?:chi tiet hon|noi ro hon|ro hon|cu the hon|giai thich them|noi them|xem them)\b")
_NEXT_STEPS_RE = re.compile(
    r"\b(?:co ai (?:toi|den|qua|xuong)|ai (?:toi|den|qua) (?:sua|kiem tra)"
    r"|bao lau (?:thi )?(?:tho|nguoi|nhan vien)"
    r"|(?:tho|nhan vien|nguoi) (?:dien )?(?:toi|den|qua) (?:chua|khong|ko|k)|khi nao (?:tho|nguoi|nhan vien)"
    r"|bao gio (?:tho|nguoi|nhan vien)|tiep theo (?:la )?(?:gi|sao))\b"
)
# Weak or flickering power: reported like an outage (data/nlu/outage.yml), never a danger.
_WEAK_POWER = re.compile(
    r"\bdien (?:yeu|chap chon)\b|\bdien ap (?:thap|yeu)\b|\bsut ap\b|\bden (?:chop|nhap nhay)\b"
)
# A question, not a statement: "bị cắt điện chưa", "có bị cúp điện không", "sao ... bị cắt".
_ASKS_RE = re.compile(r"\b(?:chua|khong|ko|k|hong|hok|ha|sao|vi sao|tai sao|the nao|co bi|phai khong)\b|\?")
_BILL_WORDS = re.compile(r"\b(?:tien|hoa don|hd|bac|kwh|so dien|gia|cao|tang|nhieu|dat|no)\b")
_JOINED = re.compile(r"\b(?:voi|va|roi|con|luon|them|nua|kem)\b|,")
# Topics a second question joined to the first may name (bot.dialogue.keywords).
_JOINABLE = frozenset(
    {
        "ask_outage_schedule",
        "ask_debt",
        "ask_bill",
        "ask_payment_methods",
        "ask_meter_reading",
        "ask_reading_date",
        "ask_restore_time",
        "ask_tariff",
    }
)
# A joined topic named by narrower words than the engine's check of an unsure NLU: a
# number of "số" or "kWh" ("4 số cuối", "300 kWh") is no second question about prices.
_JOINED_WORDS = {"ask_tariff": re.compile(r"\bgia (?:dien|mot so|moi so|kwh)\b|\bbac thang\b|\bbac [1-6]\b")}
# Which details a topic on screen can take in a follow-up.
FOLLOW_UP_FITS = {
    "bill": {"code", "periods"},
    "bill_detail": {"code", "periods"},
    "bill_high": {"code", "periods"},
    "recheck": {"code", "periods"},
    "meter_reading": {"code", "periods"},
    "debt": {"code"},
    "reading_date": {"code"},
    "tariff": {"kwh", "households"},
    "outage_schedule": {"code", "areas", "dates", "periods"},
    "restore_time": {"code", "areas", "ticket"},
    "supply_status": {"code", "areas"},
    "outage_reason": {"code", "areas"},
    "outage_report": {"code", "areas"},
    # bot/dialogue/topics: payments, supply, offices, tariff details
    "payment_methods": {"channel"},
    "payment_posting": {"code", "periods", "channel", "dates"},
    "payment_check": {"code", "periods", "channel", "dates"},
    "next_bill": {"code", "periods"},
    "estimated_reading": {"code", "periods"},
    "supply_history": {"code", "periods"},
    "office": {"code", "areas"},
}
FOLLOW_UP_FITS["tariff"] = FOLLOW_UP_FITS["tariff"] | {"tier", "tariff_when"}
FOLLOW_UP_FITS["supply_status"] = FOLLOW_UP_FITS["supply_status"] | {"periods"}


def given(details: Details) -> set[str]:
    """The kinds of detail a message gives."""
    kinds = {
        "code": bool(details.codes),
        "periods": bool(details.periods),
        "dates": bool(details.dates),
        "areas": bool(details.areas),
        "kwh": details.kwh is not None,
        "households": details.households is not None,
        "ticket": bool(details.ticket),
        "tier": details.tier is not None,
        "tariff_when": bool(details.tariff_when),
        "channel": bool(details.channel),
    }
    return {kind for kind, present in kinds.items() if present}


def fits(topic: str | None, details: Details) -> bool:
    """Whether the message's details can change the topic on screen."""
    kinds = given(details)
    return bool(kinds) and kinds <= FOLLOW_UP_FITS.get(topic or "", set())


_YES_RE = re.compile(
    r"^(?:co|co a|da co|ok|oke|okie|okay|uh|u|um|uhm|dong y|duoc|dc|vang|da vang|dung roi|dung|phai|yes"
    r"|tao giup|lam giup|tao di|lam di|tao luon|ua)(?:\s|$)"
)
_NO_RE = re.compile(r"^(?:khong|ko|k|hong|hok|khum|khoi|khong can|ko can|k can|thoi)(?:\s|$)")
_WEAK_INTENTS = frozenset({"", "affirm", "deny", "inform", "nlu_fallback", "out_of_scope", "thank"})


def _weak(turn: Turn) -> bool:
    return set(turn.intents or ("",)) <= _WEAK_INTENTS or keywords.is_unsure(turn)


def says_yes(turn: Turn) -> bool:
    """A yes to what the bot offered: "có", "ok", "có, tạo giúp em"."""
    if "affirm" in turn.intents:
        return True
    return _weak(turn) and bool(_YES_RE.match(plain(turn.text)))


def says_no(turn: Turn) -> bool:
    if "deny" in turn.intents:
        return True
    return _weak(turn) and bool(_NO_RE.match(plain(turn.text)))


def wants_to_stop(text: str) -> bool:
    return bool(_CANCEL_RE.match(plain(text))) or reader.wants_to_stop(text)


def read_intents(turn: Turn, state: State, details: Details) -> list[str]:
    """The intents to act on, in the order the customer asked."""
    intents = [i for i in turn.intents if i]
    if turn.is_button:
        return intents
    text = plain(turn.text)
    firm = [i for i in intents if i in FIRM_INTENTS]
    if wants_to_stop(turn.text):
        return [CANCEL]
    if CANCEL in intents and (keywords.is_unsure(turn) or reader.scope(turn.text) is not None):
        intents = [i for i in intents if i != CANCEL] or [INFORM]  # "chỉ nhà tui thôi" is no "thôi"
    if state.topic and is_bare_follow_up(turn, details) and fits(state.topic, details):
        return [*firm, INFORM] if "report_hazard" not in firm else firm
    if _breaker_news_after_a_report(turn, state, intents):
        return ["ask_safety"]  # the hazard topic says what a breaker that stayed on means
    if "report_hazard" in intents and _weak_power_not_danger(turn, text):
        intents = [i if i != "report_hazard" else "report_outage" for i in intents]
        firm = [i for i in intents if i in FIRM_INTENTS]
    if "report_hazard" in intents:
        return intents
    if keywords.is_unsure(turn) and not firm:
        intents = keywords.rescue(turn, text, intents)
    statement = not _ASKS_RE.search(text) and "?" not in turn.text
    if "ask_supply_status" in intents and statement and keywords.names("report_outage", text):
        intents = [i if i != "ask_supply_status" else "report_outage" for i in intents]  # "nhà tôi cúp điện"
    about_shown_outage = state.outages_shown and _REASON_RE.search(text) and not re.search(r"\bnha\b", text)
    advice_asked = "ask_safety" in intents or re.search(r"\bnen\b", text)  # "có nên ngắt điện không"
    if (
        _SUPPLY_RE.search(text)
        and not _SCHEDULE_WORDS.search(text)
        and not about_shown_outage
        and not advice_asked
    ):
        return _replace(
            intents,
            {"affirm", "deny", "ask_debt", "report_outage", "inform", "nlu_fallback"},
            "ask_supply_status",
        )
    after_outage = state.topic in OUTAGE_TOPICS
    if after_outage and _REASON_RE.search(text) and not _BILL_WORDS.search(text):
        return _replace(
            intents,
            {"ask_bill_high", "nlu_fallback", "out_of_scope", "inform", "ask_debt"},
            "ask_outage_reason",
            always=True,
        )
    if _MORE_RE.search(text) and not _BILL_WORDS.search(text):
        return _replace(
            intents, {"ask_bill_detail", "nlu_fallback", "inform"}, "ask_more_detail", always=True
        )
    if state.ticket is not None and _NEXT_STEPS_RE.search(text):
        return _replace(
            intents,
            {"bot_challenge", "nlu_fallback", "inform", "ask_restore_time"},
            "ask_next_steps",
            always=True,
        )
    return _add_joined_questions(intents, text)


def _breaker_news_after_a_report(turn: Turn, state: State, intents: list[str]) -> bool:
    """ "cb khong nhay" after the outage ticket: the NLU hears a new report (0.73), but the
    customer tells what the breaker shows, not that the power went out again."""
    if state.outage_ticket is None or state.awaiting is not None:
        return False
    heard_as = {"report_outage", "ask_safety", "inform", "nlu_fallback"}
    return set(intents) <= heard_as and reader.breaker_stayed_on(turn.text)


def _weak_power_not_danger(turn: Turn, text: str) -> bool:
    """ "dien yeu qua may lanh khong chay duoc": an unsure danger whose words name no
    danger but weak power, reported like an outage (the crew checks the supply), not as
    an urgent danger."""
    return keywords.is_unsure(turn) and not reader.hazard_kinds(turn.text) and bool(_WEAK_POWER.search(text))


def _replace(intents: list[str], wrong: set[str], right: str, always: bool = False) -> list[str]:
    """``right`` instead of the intents the pattern shows are wrong (or of all of them)."""
    kept = [i for i in intents if i in FIRM_INTENTS or (not always and i not in wrong)]
    return [*kept, right] if right not in kept else kept


def _add_joined_questions(intents: list[str], text: str) -> list[str]:
    """A second question joined to the first ("tiền điện tháng này với lịch cúp điện")."""
    if not intents or not _JOINED.search(text) or not set(intents) & (_JOINABLE | {"ask_bill_high"}):
        return intents
    found = list(intents)
    for intent in keywords.named(text):
        narrower = _JOINED_WORDS.get(intent)
        if intent in _JOINABLE and intent not in found and (narrower is None or narrower.search(text)):
            found.append(intent)
    if "ask_bill" in found and "ask_debt" in found and not re.search(r"\bhoa don\b", text):
        found.remove("ask_bill")  # "nợ tiền điện" names the debt, not a bill
    return found
