"""Words that name a topic, on the plain text (no diacritics): the engine's check of the
NLU when it is unsure.

When the NLU falls back (``nlu_fallback``) or is unsure (low confidence), a message that
plainly names one topic ("tra tiền điện giúp em", "cho tôi xem tiền nợ") is answered as
that topic; a combined intent the NLU is unsure of keeps only the parts the words name
("lịch cúp điện mã PB..." is no bill question). Lists stay short and unambiguous: a
word shared by two topics belongs to neither.
"""

from __future__ import annotations

import re

from bot.dialogue.turn import Turn

UNSURE_BELOW = 0.5  # a single intent below this confidence is checked against the words
UNSURE_COMBINED_BELOW = 0.6

_OUTAGE = r"(?:mat|cup|cat|ngung|ngat) dien"
TOPIC_WORDS: dict[str, re.Pattern[str]] = {
    "ask_outage_schedule": re.compile(
        rf"\blich (?:cup|cat|ngung|mat)\b|\b{_OUTAGE} (?:ngay|tuan|thang|sap|lich)\b|\bsap (?:cup|cat)\b"
    ),
    "ask_restore_time": re.compile(
        r"\b(?:khi nao|may gio|bao gio|chung nao|bao lau) (?:thi )?(?:co dien|co lai)\b"
    ),
    "report_outage": re.compile(rf"\b{_OUTAGE}\b"),
    "ask_debt": re.compile(
        r"\b(?:con|tien|xem|va|voi|het|tra|thieu|bao|ca) no\b"
        r"|\bno (?:tien|bao|khong|ko|hong|may|cu|dong|luon)\b"
    ),
    "ask_bill_high": re.compile(
        r"\b(?:sao|vi sao|tai sao|tai sao lai|sao lai)\b.*\b(?:cao|tang|dat|nhieu|gap doi)\b"
        r"|\b(?:cao|tang|dat) (?:qua|du|vay|the|bat thuong|vot)\b"
    ),
    "ask_bill": re.compile(r"\bhoa don\b|\bhd\b|(?<!no )\btien dien\b"),
    "ask_meter_reading": re.compile(r"\bchi so\b(?! .*\bngay)"),
    "ask_reading_date": re.compile(r"\bngay ghi\b|\bghi chi so\b.*\bngay\b|\bkhi nao ghi\b"),
    "ask_payment_methods": re.compile(r"\b(?:cach|o dau|cho nao) (?:thanh toan|dong tien|tra tien)\b"),
    "ask_tariff": re.compile(r"\bgia dien\b|\bbac thang\b|\b\d+ ?(?:so|kwh|ky)\b"),
    "ask_contact": re.compile(r"\b(?:tong dai|hotline)\b"),
    "complain": re.compile(
        r"\b(?:khieu nai|phan anh|to cao)\b|\blam an (?:kieu gi|the nao|kieu nay)\b"
        rf"|\b{_OUTAGE} (?:hoai|suot|lien tuc)\b|\b(?:cup|cat|mat) (?:hoai|suot)\b"
    ),
    "ask_office": re.compile(r"\bphong giao dich\b"),
    "ask_estimated_reading": re.compile(r"\buoc tinh\b"),
    "request_human": re.compile(r"\b(?:nhan vien|tu van vien|nguoi that)\b"),
    # a new phone number, a meter that runs fast: requests the NLU knows least
    "request_service": re.compile(
        r"\b(?:cong to|dong ho|dien ke)\b.*\b(?:quay|chay) nhanh\b"
        r"|\b(?:doi|cap nhat|thay doi) (?:so dien thoai|so dt|sdt)\b"
        r"|\b(?:so dien thoai|so dt|sdt)\b.*\b(?:doi roi|cap nhat|moi)\b"
    ),
    "greet": re.compile(r"^(?:chao|xin chao|alo|hello|hi|ad oi)\b"),
}


def names(intent: str, text: str) -> bool:
    """Whether the plain ``text`` has words naming ``intent``'s topic."""
    pattern = TOPIC_WORDS.get(intent)
    return bool(pattern and pattern.search(text))


def named(text: str) -> list[str]:
    """The topics the words name, in the table's order."""
    found = [intent for intent, pattern in TOPIC_WORDS.items() if pattern.search(text)]
    if "ask_outage_schedule" in found or "ask_restore_time" in found:
        found = [i for i in found if i != "report_outage"]  # "lịch cúp điện" reports nothing
    if (
        "ask_bill" in found
        and ({"ask_debt", "ask_bill_high"} & set(found))
        and not re.search(r"\bhoa don\b", text)
    ):
        found.remove("ask_bill")  # "nợ tiền điện", "sao tiền điện cao" name the debt, the reasons
    return found


def is_unsure(turn: Turn) -> bool:
    if turn.intents == ("nlu_fallback",):
        return True
    limit = UNSURE_COMBINED_BELOW if len(turn.intents) > 1 else UNSURE_BELOW
    return turn.confidence < limit


def rescue(turn: Turn, text: str, intents: list[str]) -> list[str]:
    """What an unsure message asks, by its words; ``intents`` when they name nothing."""
    topics = named(text)
    if not topics:
        return intents
    supported = [i for i in intents if i in topics]
    if supported:
        return supported  # the NLU's own guess, confirmed by the words (parts of a combined one)
    ranked = [i for i in turn.ranking if i in topics]
    if ranked:
        return ranked[:1]
    return topics[:1] if len(topics) == 1 else intents
