"""``action_fallback``: low NLU confidence and out-of-scope messages, in Vietnamese.

Replaces Rasa's two-stage fallback (whose affirmation question is English). The first
time, one clarifying question with quick replies: the likeliest intents from the NLU
ranking (or the main menu for out-of-scope); a bare "có" / "không" to it gets the menu.
When the customer's previous message was not understood either, the hotline is offered
(until the agent handoff exists).

Inside a form the fallback never takes a short answer ("1321"): the form fills its
slots first and only a message it cannot use reaches this action (rasa's loop
rejection), after which the form asks its question again.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import button, hotline

MISSED = frozenset({"nlu_fallback", "out_of_scope"})
MIN_CONFIDENCE = 0.05
MAX_CHOICES = 3

LABELS = {
    "ask_bill": "Xem hóa đơn tiền điện",
    "ask_bill_high": "Vì sao tiền điện cao",
    "ask_debt": "Kiểm tra nợ tiền điện",
    "ask_payment_methods": "Cách thanh toán",
    "ask_tariff": "Giá điện bậc thang",
    "ask_meter_reading": "Chỉ số công tơ",
    "ask_reading_date": "Ngày ghi chỉ số",
    "ask_bill_detail": "Chi tiết hóa đơn",
    "request_recheck": "Yêu cầu phúc tra",
    "request_service": "Thủ tục (lắp điện, sang tên...)",
    "ask_outage_schedule": "Lịch cúp điện",
    "report_outage": "Báo mất điện",
    "ask_restore_time": "Khi nào có điện lại",
    "report_hazard": "Báo sự cố nguy hiểm",
    "subscribe_alerts": "Nhận thông báo cúp điện",
    "ask_contact": "Số tổng đài",
    "request_human": "Gặp tư vấn viên",
}
MENU = ("ask_bill", "ask_debt", "ask_outage_schedule", "report_outage", "request_service", "ask_contact")


def user_intents(tracker: Tracker) -> list[str]:
    """Intent names of the customer's messages, newest first."""
    return [
        ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def choices(tracker: Tracker) -> list[str]:
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    picked = [
        item.get("name")
        for item in ranking
        if item.get("name") in LABELS and (item.get("confidence") or 0) >= MIN_CONFIDENCE
    ]
    return list(dict.fromkeys(picked))[:MAX_CHOICES]


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intents = user_intents(tracker)
        if intents and intents[0] in ("affirm", "deny"):  # "có" / "không" to the question
            dispatcher.utter_message(
                text="Dạ, anh/chị bấm chọn một mục bên dưới hoặc nhắn cụ thể việc cần hỗ trợ giúp em nha.",
                buttons=[button(LABELS[name], name) for name in MENU],
            )
            return []
        if len(intents) > 1 and intents[1] in MISSED:
            dispatcher.utter_message(
                text=(
                    "Dạ, em xin lỗi vì chưa hiểu được ý anh/chị. Anh/chị vui lòng gọi Tổng đài "
                    f"{hotline()} (24/7) để được tư vấn viên hỗ trợ trực tiếp nha."
                ),
                buttons=[
                    button(LABELS["ask_contact"], "ask_contact"),
                    button(LABELS["ask_bill"], "ask_bill"),
                ],
            )
            return []
        if intents and intents[0] == "out_of_scope":
            text = "Dạ, việc này em chưa hỗ trợ được ạ. Em có thể giúp anh/chị những việc sau:"
            picked = list(MENU)
        else:
            picked = choices(tracker) or list(MENU)
            text = (
                "Dạ, em chưa hiểu rõ ý anh/chị. Có phải anh/chị muốn hỏi một trong những việc dưới đây "
                "không ạ? Nếu không phải, anh/chị nói rõ hơn giúp em nha."
            )
        dispatcher.utter_message(text=text, buttons=[button(LABELS[name], name) for name in picked])
        return []
