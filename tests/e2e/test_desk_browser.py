"""The agent desk in a real browser (headless Debian Chromium driven by Playwright; never a
downloaded browser): log in, take a customer's conversation, reply, close. Screenshots of
the pages on a laptop and a tablet go to docs/img/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import PROJECT_ROOT
from bot.services import desk_auth, unit_of_work
from tests.e2e.desk_clients import CallbackCustomer, CallbackInbox
from tests.e2e.stack import Stack
from tests.support.browser import CHROMIUM, requires_chromium

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
IMAGES = PROJECT_ROOT / "docs" / "img"
PASSWORD = "mật-khẩu-trình-duyệt-2026"
LAPTOP = {"width": 1366, "height": 820}
TABLET = {"width": 820, "height": 1180}

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def inbox(stack: Stack) -> Iterator[CallbackInbox]:
    receiver = CallbackInbox(stack.callback_port)
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def browser_accounts(stack: Stack) -> None:
    with unit_of_work(stack.env["DATABASE_URL"]) as uow:
        existing = {a.username for a in desk_auth.list_agents(uow)}
        for username, name, role in (("thu", "Thu", "agent"), ("quan", "Anh Quân", "supervisor")):
            if username not in existing:
                desk_auth.create_agent(uow, username, name, PASSWORD, role)


async def shot(page, name: str, full_page: bool = False) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(IMAGES / f"desk-{name}.png"), full_page=full_page)


async def test_log_in_take_reply_close(stack: Stack, inbox: CallbackInbox, browser_accounts: None) -> None:
    from playwright.async_api import async_playwright, expect

    customer = CallbackCustomer(stack.rasa_url, inbox, "browser")
    await customer.say("tiền điện tháng 10/2026 mã PB05010000001 bao nhiêu vậy")
    await customer.wait_for("4 số cuối")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = await browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        response = await page.goto(f"{stack.web_url}/desk")
        assert response.status == 401  # anonymous: the login form
        await expect(page.locator('input[type="password"]')).to_be_visible()
        await shot(page, "login")
        await page.fill('input[name="username"]', "thu")
        await page.fill('input[name="password"]', "sai mật khẩu")
        await page.click('button[type="submit"]')
        await expect(page.locator(".error")).to_contain_text("chưa đúng")
        await page.fill('input[name="username"]', "thu")
        await page.fill('input[name="password"]', PASSWORD)
        await page.click('button[type="submit"]')
        await expect(page.locator("#live.on")).to_be_visible(timeout=10_000)  # WebSocket up: online

        await customer.say("cho tôi nói chuyện với nhân viên")
        await customer.wait_for("tư vấn viên")
        row = page.locator("table.queue tbody tr").first  # arrives live, no reload
        await expect(row).to_contain_text("PB05010000001", timeout=15_000)
        await expect(row).to_contain_text("chưa xác thực")
        await expect(row.locator("td.wait")).to_have_text("dưới 1 phút")  # the server's clock
        await shot(page, "queue")
        await row.get_by_role("button", name="Nhận").click()
        await page.wait_for_url("**/desk/handoffs/*")
        await expect(page.locator(".summary")).to_contain_text("request_human")
        await expect(page.locator(".summary")).to_contain_text("PB05010000001")
        await customer.wait_for("Dạ em là Thu")
        await customer.say("em ơi kiểm tra giúp chị hóa đơn tháng 10")
        await expect(page.locator("#messages")).to_contain_text("kiểm tra giúp chị", timeout=15_000)

        await page.select_option("#canned", label="Xin chờ kiểm tra")
        await expect(page.locator("#reply-text")).to_have_value(
            "Dạ anh/chị vui lòng chờ em ít phút để em kiểm tra thông tin nha."
        )
        await page.click('#reply button[type="submit"]')
        await expect(page.locator(".msg.agent").last).to_contain_text("chờ em ít phút")
        await expect(page.locator(".msg.agent .delivery.delivered").last).to_be_visible(timeout=15_000)
        await customer.wait_for("chờ em ít phút")
        await page.click("#load-account")
        await expect(page.locator("#account")).to_contain_text("Trần Thị Bích")
        await shot(page, "conversation", full_page=True)
        await page.set_viewport_size(TABLET)
        await shot(page, "conversation-tablet", full_page=True)
        await page.set_viewport_size(LAPTOP)

        await page.select_option('select[name="outcome"]', "resolved")
        await page.click("button.danger")
        await page.wait_for_url(f"{stack.web_url}/desk/")
        assert "kết thúc cuộc trò chuyện" in await customer.wait_for("kết thúc")
        assert not errors, errors
        await context.close()

        # A supervisor's view, on a tablet.
        tablet = await browser.new_context(viewport=TABLET, locale="vi-VN")
        page = await tablet.new_page()
        await page.goto(f"{stack.web_url}/desk")
        await page.fill('input[name="username"]', "quan")
        await page.fill('input[name="password"]', PASSWORD)
        await page.click('button[type="submit"]')
        await page.click("text=Giám sát")
        await expect(page.locator(".stats")).to_contain_text("tư vấn viên trực tuyến")
        await expect(page.locator("#security h2")).to_contain_text("Cảnh báo bảo mật")
        await expect(page.locator("#sms h2")).to_contain_text("Tin nhắn SMS mã xác thực")
        await expect(page.locator("#notices h2")).to_contain_text("Thông báo lịch cúp điện")
        await expect(page.locator("#health")).to_contain_text("Cơ sở dữ liệu")
        await expect(page.locator("#health")).to_contain_text("hoạt động")
        await shot(page, "supervisor-tablet")
        await browser.close()
