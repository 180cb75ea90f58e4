"""The website widget in a real browser (headless Chromium from Debian, driven by Playwright).

Opens the demo page of the web app, asks "tiền điện tháng này bao nhiêu", gets an answer
over socket.io from the whole stack, reloads and sees the history, then goes on in the
same conversation until the bill is shown. Screenshots: var/artifacts/ (CI artifact).
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

from bot.config import PROJECT_ROOT
from tests.e2e.stack import Stack
from tests.support.browser import CHROMIUM, requires_chromium

ARTIFACTS = PROJECT_ROOT / "var" / "artifacts"
MONEY = re.compile(r"\d[\d.]* đ(?!\w)")
QUESTION = "tiền điện tháng này bao nhiêu"

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def bot_texts(page) -> list[str]:
    return page.locator(".evn-chat__msg--bot").all_inner_texts()


def wait_for_bot_messages(page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.evn-chat__msg--bot').length >= n", arg=count, timeout=60_000
    )


def wait_for_bot_text(page, text: str, after: int) -> None:
    """Wait until a bot message after the first ``after`` ones contains ``text``."""
    page.wait_for_function(
        "([text, after]) => [...document.querySelectorAll('.evn-chat__msg--bot')]"
        ".slice(after).some(m => m.textContent.includes(text))",
        arg=[text, after],
        timeout=60_000,
    )


def test_ask_in_the_widget_reload_and_keep_the_conversation(stack: Stack, browser) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 780})  # a phone-sized screen
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    # The page's origin must be the configured WEB_ORIGIN (http://localhost:<port>).
    page.goto(f"http://localhost:{stack.env['WEB_PORT']}/")
    assert page.title().startswith("Trợ lý ảo CSKH")

    launcher = page.get_by_role("button", name="Mở khung trò chuyện với trợ lý ảo")
    icon = launcher.locator("svg.evn-chat__launcher-icon").bounding_box()  # drawn: no emoji font needed
    assert icon is not None and icon["width"] >= 16 and icon["height"] >= 16, icon
    launcher.click()
    page.wait_for_selector(".evn-chat__status >> text=Trực tuyến", timeout=30_000)
    page.get_by_label("Câu hỏi").fill(QUESTION)
    page.get_by_label("Câu hỏi").press("Enter")
    wait_for_bot_messages(page, 1)
    first_answer = " ".join(bot_texts(page))
    assert first_answer.startswith("Dạ"), first_answer
    assert "mã khách hàng" in first_answer.lower(), first_answer  # the bill needs a customer code
    page.screenshot(path=str(ARTIFACTS / "webchat-answer.png"))

    page.reload()
    page.wait_for_selector(".evn-chat__msg--user", timeout=10_000)
    assert page.locator(".evn-chat__msg--user").all_inner_texts() == [QUESTION]
    assert " ".join(bot_texts(page)) == first_answer, "the history survives a reload"
    page.wait_for_selector(".evn-chat__status >> text=Trực tuyến", timeout=30_000)

    # Same conversation after the reload: the bot still knows it was asked about the bill.
    answered = len(bot_texts(page))
    page.get_by_label("Câu hỏi").fill("PB05010000001")
    page.get_by_label("Câu hỏi").press("Enter")
    wait_for_bot_text(page, "4 số cuối", answered)
    answered = len(bot_texts(page))
    page.get_by_label("Câu hỏi").fill("1321")
    page.get_by_label("Câu hỏi").press("Enter")
    page.wait_for_function(  # an amount of money ("798.660 đ"), not just any word with "đ"
        "after => [...document.querySelectorAll('.evn-chat__msg--bot')].slice(after)"
        ".some(m => /\\d đ(?!\\p{L})/u.test(m.textContent))",
        arg=answered,
        timeout=60_000,
    )
    bill = " ".join(bot_texts(page)[answered:])
    assert MONEY.search(bill), bill
    assert page.locator(".evn-chat__reply").count() > 0, "quick replies are shown as buttons"
    page.screenshot(path=str(ARTIFACTS / "webchat-bill.png"))
    documented = PROJECT_ROOT / "docs" / "img" / "webchat.png"
    if not documented.exists() or os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        shutil.copyfile(ARTIFACTS / "webchat-bill.png", documented)
    assert problems == []
