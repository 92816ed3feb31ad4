"""In headless Chromium: a buyer chats on the shop page and asks for a person; an agent signs in to the
console in a second browser context, sees the ticket with its summary, replies, the buyer sees the
reply, the agent resolves, and the bot answers the buyer's next question. Screenshots of both pages
are saved to results/screenshots/.

Debian's chromium drives the pages through Playwright's ``executable_path`` (Playwright's own browser
downloads are not reachable here); ``make test`` installs it (scripts/setup_browser.sh).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

from tests.assistant.conftest import AGENT, AGENT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "screenshots"
CHROMIUM_CANDIDATES = [os.environ.get("XIAODIAN_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
WAIT_MS = 20_000


def say(page, text: str) -> None:
    """Types a buyer message and waits until the assistant's reply to it is on the page."""
    before = page.locator("#chat-log li.msg-bot").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#chat-log li.msg-bot').length > {before}", timeout=WAIT_MS
    )


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no Chromium found: run `bash scripts/setup_browser.sh` (make test does) or set XIAODIAN_CHROMIUM")


@pytest.fixture(scope="module")
def browser(assistant):
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the web service starts in a second or two
        try:
            if requests.get(assistant.web_url, timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield browser
        browser.close()


def test_buyer_asks_for_a_person_and_an_agent_replies_then_hands_back(assistant, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # bypass_csp: the pages forbid eval, which Playwright's wait_for_function uses to poll.
    buyer = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)  # a phone-sized screen
    page = buyer.new_page()
    page.goto(f"{assistant.web_url}/product/hd-fleece-01")
    page.click("#chat-open")
    say(page, "这件卫衣我165 100斤穿什么码")
    say(page, "转人工")
    # The page shows the chat is with a person now (the assistant opened a ticket).
    page.wait_for_selector("#chat-status:has-text('人工客服')", timeout=WAIT_MS)
    page.screenshot(path=str(SHOTS / "shop_page.png"), full_page=True)

    agent = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    console = agent.new_page()
    console.goto(f"{assistant.web_url}/console")
    console.fill("input[name=name]", AGENT)
    console.fill("input[name=password]", AGENT_PASSWORD)
    console.click("button[type=submit]")
    console.wait_for_selector("#queue li", timeout=WAIT_MS)
    console.click("#queue li")
    console.wait_for_selector("#t-summary li", timeout=WAIT_MS)
    summary = console.inner_text("#t-summary")
    assert "转人工" in summary and "卫衣" in summary, summary
    console.click("#t-claim")
    console.fill("#reply-text", "亲，我是客服小美，这款现在下单可以送运费险哦")
    console.press("#reply-text", "Enter")
    console.wait_for_selector("#t-transcript li:has-text('客服小美')", timeout=WAIT_MS)
    console.screenshot(path=str(SHOTS / "console.png"), full_page=True)

    # The agent's reply reaches the buyer's page live.
    page.wait_for_selector("#chat-log li:has-text('客服小美')", timeout=WAIT_MS)

    console.fill("#resolve-outcome", "已说明价格，送运费险")
    console.press("#resolve-outcome", "Enter")
    console.wait_for_function("document.querySelector('#queue li') === null", timeout=WAIT_MS)

    # The bot has the chat again and answers the next question.
    say(page, "今天下单什么时候发货")
    assert "发" in page.locator("#chat-log li.msg-bot").last.inner_text()
    buyer.close()
    agent.close()
