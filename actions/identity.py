"""Identify and verify the customer: the ``account_form`` and its helpers.

The form collects ``customer_code`` (shared slot, accepted from any message) and
``verify_answer`` (the last 4 phone digits). Whether a requester is verified lives in
the database (bot/services/verification.py); the form only asks for what is missing:

- no code yet: a code remembered for this user (Zalo/Messenger link, or verified in this
  conversation) is used when there is exactly one, otherwise the customer is asked;
- code verified, locked, or without a phone to check: nothing more is asked and the
  form ends; ``action_account_answer`` then answers or explains why it cannot;
- otherwise the 4 digits are asked, after a short privacy notice the first time.

Bad codes get the reason in Vietnamese; three bad codes in a row end the form with the
hotline. A database that is down ends the form with an apology.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import DB_ERRORS, apologise, button, hotline, in_db, latest_text, requester
from bot.nlu.core import read
from bot.services import customers, verification
from bot.services.verification import State
from bot.wording.customers import code_problem_text

FORM = "account_form"
CODE = "customer_code"
ANSWER = "verify_answer"
VERIFIED_MARK = "verified"
CODE_FAILURES = "code_failures"
STOP = "account_stop"  # set to end the form early (message already given)
NOTICE_SHOWN = "privacy_notice_shown"
REQUESTED = "requested_slot"
MAX_BAD_CODES = 3
# Messages that are no answer to the form's question but must not interrupt it: another
# account question (the topic changes, identification goes on), "ok", a bare "inform".
REASK_INTENTS = frozenset(
    {
        "ask_bill",
        "ask_bill_detail",
        "ask_bill_high",
        "ask_debt",
        "request_recheck",
        "ask_meter_reading",
        "ask_reading_date",
        "affirm",
        "inform",
    }
)

CHANNEL_ACCOUNTS = {
    "zalo": "tài khoản Zalo của anh/chị",
    "facebook": "tài khoản Messenger của anh/chị",
    verification.WEB_CHANNEL: "tài khoản trên trang web của anh/chị",
}
_PHONE_RE = re.compile(r"^(?:0|84)\d{9}$")

PRIVACY_NOTICE = (
    "Dạ, để bảo vệ thông tin khách hàng, trước khi cung cấp thông tin tài khoản em cần xác thực "
    "anh/chị là chủ hợp đồng hoặc người nhà được phép tra cứu. Thông tin xác thực chỉ dùng cho "
    "việc tra cứu này, em không hiển thị số điện thoại và họ tên đầy đủ của khách hàng."
)


def ask_code_text(several: bool) -> str:
    if several:
        return "Dạ, anh/chị muốn tra mã khách hàng nào ạ? Anh/chị chọn bên dưới hoặc nhắn mã khác nha."
    return (
        "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, in trên hóa đơn hoặc tin nhắn báo tiền "
        "điện, ví dụ PB05010000001) nha."
    )


def ask_digits_text(code: str) -> str:
    return f"Anh/chị vui lòng nhập 4 số cuối của số điện thoại đã đăng ký với mã {code} nha."


def wrong_answer_text(remaining: int) -> str:
    return (
        f"Dạ, 4 số cuối chưa đúng với số điện thoại đã đăng ký. Anh/chị còn {remaining} lần thử; "
        "nhập sai quá số lần cho phép thì mã sẽ tạm khóa xác thực 15 phút."
    )


def verified_text(status: verification.Status, channel: str) -> str:
    text = (
        f"Dạ, em đã xác thực xong mã {status.code} "
        f"({status.masked_name})."
    )
    if status.just_linked:
        where = CHANNEL_ACCOUNTS.get(channel, "tài khoản này")
        text += (
            f" Em đã ghi nhớ mã này cho {where}, lần sau không cần xác thực "
            'lại; muốn bỏ ghi nhớ, anh/chị nhắn "hủy liên kết" nha.'
        )
    return text


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def malformed_code(tracker: Tracker) -> str | None:
    """A code-like string of the wrong length or prefix, as the NLU reported it."""
    malformed = (tracker.latest_message or {}).get("malformed_customer_code")
    if isinstance(malformed, list) and malformed:
        return str(malformed[0])
    return None


def code_like(tracker: Tracker) -> str | None:
    """Whatever looks like a code in an answer to "mã khách hàng": the NLU's malformed
    codes, two letters and digits, or a long run of digits (a phone number)."""
    if candidate := malformed_code(tracker):
        return candidate
    return read.code_like(latest_text(tracker))


class ValidateAccountForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.slots.get(STOP):
            return []
        code = tracker.slots.get(CODE)
        if not code or tracker.slots.get(ANSWER) == VERIFIED_MARK:
            return domain_slots
        try:
            state = (await in_db(verification.status, code, requester(tracker))).state
        except DB_ERRORS:
            return domain_slots
        if state in (State.VERIFIED, State.LOCKED, State.NO_PHONE):
            return [CODE]  # nothing to ask: action_account_answer answers or explains
        return domain_slots

    async def extract_customer_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.slots.get(CODE):
            return {}
        intent = latest_intent(tracker)
        requested = tracker.slots.get(REQUESTED)
        if requested == CODE:
            if candidate := code_like(tracker):
                return {CODE: candidate}  # refused with its reason by validate_customer_code
            return {CODE: None} if intent in REASK_INTENTS else {}
        if requested is None:  # activation: the question itself
            if candidate := malformed_code(tracker):
                return {CODE: candidate}
            if intent != "change_customer_code":
                try:
                    codes = await in_db(verification.verified_codes, requester(tracker))
                except DB_ERRORS:
                    return {}
                if len(codes) == 1:  # remembered for this user (link or this conversation)
                    return {CODE: codes[0]}
        return {}

    async def validate_customer_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not value:
            return {CODE: None}
        try:
            check = await in_db(customers.check_code, str(value))
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return {CODE: None, STOP: True}
        if check.ok:
            return {CODE: check.code, CODE_FAILURES: None}
        failures = int(tracker.slots.get(CODE_FAILURES) or 0) + 1
        reason = code_problem_text(check.problem)
        if _PHONE_RE.match(check.code):
            reason = "Dạ, đây có vẻ là số điện thoại, em cần mã khách hàng ạ. " + reason.removeprefix("Dạ, ")
        dispatcher.utter_message(text=reason)
        if failures >= MAX_BAD_CODES:
            dispatcher.utter_message(
                text=(
                    "Dạ, em chưa tìm được mã khách hàng của anh/chị. Anh/chị xem mã trên hóa đơn hoặc "
                    f"tin nhắn tiền điện rồi nhắn lại em, hoặc gọi Tổng đài {hotline()} (24/7) nha."
                ),
                buttons=[button("Số tổng đài", "ask_contact")],
            )
            return {CODE: None, CODE_FAILURES: None, STOP: True}
        return {CODE: None, CODE_FAILURES: failures}

    async def extract_verify_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.slots.get(REQUESTED) != ANSWER:
            return {}
        text = latest_text(tracker)
        answer = verification.answer_digits(text)
        if answer is not None:
            return {ANSWER: answer}
        if any(ch.isdigit() for ch in text[:200]) and not code_like(tracker):
            return {ANSWER: "invalid"}  # digits, but not 4 of them: asked again, no try lost
        return {ANSWER: None} if latest_intent(tracker) in REASK_INTENTS else {}

    async def validate_verify_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = tracker.slots.get(CODE)
        if not code or value in (None, VERIFIED_MARK):
            return {ANSWER: value if code else None}
        who = requester(tracker)
        try:
            status = await in_db(verification.verify, code, who, str(value))
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return {ANSWER: None, STOP: True}
        if status.verified:
            dispatcher.utter_message(text=verified_text(status, who.channel))
            return {ANSWER: VERIFIED_MARK}
        if status.state is State.NEEDS_ANSWER:
            if verification.answer_digits(str(value)) is None:
                dispatcher.utter_message(
                    text="Dạ, anh/chị nhập đúng 4 chữ số cuối của số điện thoại giúp em nha."
                )
            else:
                dispatcher.utter_message(text=wrong_answer_text(status.remaining_tries))
        return {ANSWER: None}  # locked: the form ends and action_account_answer explains


class ActionAskCustomerCode(Action):
    def name(self) -> str:
        return f"action_ask_{FORM}_{CODE}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            codes = await in_db(verification.verified_codes, requester(tracker))
        except DB_ERRORS:
            codes = []
        buttons = [button(code, "inform", {CODE: code}) for code in codes[:5]]
        dispatcher.utter_message(
            text=ask_code_text(len(codes) > 1), buttons=buttons if len(codes) > 1 else []
        )
        return []


class ActionAskVerifyAnswer(Action):
    def name(self) -> str:
        return f"action_ask_{FORM}_{ANSWER}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = tracker.get_slot(CODE) or ""
        if tracker.get_slot(NOTICE_SHOWN):
            dispatcher.utter_message(text=ask_digits_text(code))
            return []
        dispatcher.utter_message(text=PRIVACY_NOTICE)
        dispatcher.utter_message(text=ask_digits_text(code))
        return [SlotSet(NOTICE_SHOWN, True)]


class ActionChangeCode(Action):
    """ "đổi mã khác": forget the code in play (not its verification) and ask again."""

    def name(self) -> str:
        return "action_change_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(ANSWER, None), SlotSet(CODE_FAILURES, None)]
        if not list(tracker.get_latest_entity_values(CODE)):
            events.append(SlotSet(CODE, None))
        return events


class ActionUnlinkAccount(Action):
    """ "hủy liên kết": this user's link / verification of the code is removed."""

    def name(self) -> str:
        return "action_unlink_account"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        who = requester(tracker)
        code = tracker.get_slot(CODE)
        try:
            codes = [code] if code else await in_db(verification.verified_codes, who)
            removed = [c for c in codes if await in_db(verification.unlink, c, who)]
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return []
        if removed:
            where = CHANNEL_ACCOUNTS.get(who.channel, "cuộc trò chuyện này")
            dispatcher.utter_message(
                text=(
                    f"Dạ, em đã hủy liên kết mã {', '.join(removed)} với {where}. Lần sau "
                    "khi tra cứu, em sẽ hỏi lại mã khách hàng và xác thực nha."
                )
            )
        else:
            dispatcher.utter_message(text="Dạ, hiện tài khoản này không liên kết với mã khách hàng nào ạ.")
        return [SlotSet(CODE, None), SlotSet(ANSWER, None)]


def not_verified_text(status: verification.Status) -> str:
    """Why account data cannot be shown (after the form ended without a verification)."""
    if status.state is State.LOCKED and status.locked_until is not None:
        until = status.locked_until
        return (
            f"Dạ, mã {status.code} đang tạm khóa xác thực đến {until:%H:%M} ngày {until:%d/%m/%Y} vì "
            f"4 số cuối điện thoại đã bị nhập sai {verification.MAX_FAILURES} lần. Để bảo vệ thông tin "
            f"khách hàng, anh/chị vui lòng thử lại sau thời gian này, hoặc gọi Tổng đài {hotline()} "
            "(24/7) để tư vấn viên hỗ trợ nha."
        )
    if status.state is State.NO_PHONE:
        return (
            f"Dạ, mã {status.code} chưa có số điện thoại đăng ký nên em chưa xác thực được qua tin nhắn. "
            f"Anh/chị gọi Tổng đài {hotline()} (24/7) hoặc đến phòng giao dịch Điện lực (mang căn cước) "
            "để được hỗ trợ và cập nhật số điện thoại nha."
        )
    if status.state is State.NOT_FOUND:
        return code_problem_text(customers.CodeProblem.NOT_FOUND)
    return (
        "Dạ, em cần xác thực trước khi cung cấp thông tin tài khoản. Anh/chị hỏi lại giúp em, em sẽ "
        "hướng dẫn xác thực nha."
    )


class ActionCodeReceived(Action):
    """A customer code on its own, outside any question: check it, ask what is needed.

    Nothing about the account is shown, so nothing is verified yet: the quick replies
    lead to the flows, and the account ones verify first.
    """

    def name(self) -> str:
        return "action_code_received"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = next(iter(tracker.get_latest_entity_values(CODE)), None) or tracker.get_slot(CODE)
        try:
            check = await in_db(customers.check_code, code)
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return []
        if not check.ok:
            dispatcher.utter_message(text=code_problem_text(check.problem))
            return [SlotSet(CODE, None)]
        dispatcher.utter_message(
            text=f"Dạ, em đã nhận mã khách hàng {check.code}. Anh/chị cần em hỗ trợ gì ạ?",
            buttons=[
                button("Xem hóa đơn", "ask_bill"),
                button("Nợ tiền điện", "ask_debt"),
                button("Chỉ số công tơ", "ask_meter_reading"),
                button("Lịch cúp điện", "ask_outage_schedule"),
                button("Báo mất điện", "report_outage"),
            ],
        )
        return [SlotSet(CODE, check.code)]
