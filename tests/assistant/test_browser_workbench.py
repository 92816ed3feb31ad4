"""In headless Chromium, the agents' workbench end to end: a buyer bargains past the agents' limit on the shop page;
an agent sees the queue, opens the ticket with its suggested replies and the buyer's orders beside the chat, sends an
edited suggestion, finds a quick phrase with /, asks for a concession above the limit and transfers the ticket to the
supervisor; the supervisor approves the concession, resolves, the buyer rates the service, and the supervisor opens
the service report. Then the report of a synthetic month (200,000 buyer messages, 5,000 tickets) from the command.

Screenshots go to results/screenshots/ (console_queue, console_ticket, shop_rating, report_page, report_month).
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo


from bot.handoff.store import TicketStore
from bot.handoff.ticket import Ticket, TranscriptLine
from bot.report.synthetic import MonthSpec
from tests.assistant.conftest import AGENT, AGENT_PASSWORD, FIXED_NOW, ROOT
from tests.assistant.test_browser_handoff import SHOTS, WAIT_MS, browser, say  # noqa: F401  (browser: a fixture)

SUPERVISOR, SUPERVISOR_PASSWORD = "lihua", "supervisor-password-1"
#: Browsers set up as in a Chinese shop's office (date pickers, fonts).
CHINA = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
FIXED = datetime.fromisoformat(FIXED_NOW)
COLLEAGUE, COLLEAGUE_PASSWORD = "ajie", "colleague-password-1"


def add_agent(agents_file: Path, name: str, password: str, display: str, role: str) -> None:
    """With the same command a shop owner uses."""
    subprocess.run([sys.executable, "-m", "bot.web.agents", "add", name, "--display-name", display, "--role", role,
                    "--password-stdin", "--file", str(agents_file)], input=password + "\n", text=True, check=True,
                   cwd=ROOT, capture_output=True)


def post_ticket(assistant, buyer_id, reasons, priority, at, text):
    """A ticket as the web service opens the one an assistant's reply carries (into its store), for a buyer whose
    message arrived at ``at``."""
    ticket = Ticket(id=f"t-{abs(hash(buyer_id)) % 10**8}", conversation_id=buyer_id, buyer_id=buyer_id, reasons=reasons,
                    priority=priority, summary=[f"买家{buyer_id}：{text}"], created_at=at, updated_at=at,
                    transcript=[TranscriptLine(at=at, sender="buyer", text=text)])
    store = TicketStore(assistant.orders_url)
    try:
        return store.create(ticket)
    finally:
        store.close()


def sign_in(context, url: str, name: str, password: str):
    page = context.new_page()
    page.goto(f"{url}/console")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#queue", timeout=WAIT_MS)
    return page


def open_first(page):
    page.wait_for_selector("#queue li", timeout=WAIT_MS)
    page.click("#queue li")
    page.wait_for_selector("#t-summary li", timeout=WAIT_MS)


def test_an_agent_works_a_ticket_and_a_supervisor_approves_and_reads_the_report(assistant, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    add_agent(assistant.agents_file, SUPERVISOR, SUPERVISOR_PASSWORD, "李华", "supervisor")
    add_agent(assistant.agents_file, COLLEAGUE, COLLEAGUE_PASSWORD, "阿杰", "agent")
    url = assistant.web_url

    # The buyer, on the trench coat's page, asks for 50 off: past the agents' limit, a colleague takes over.
    buyer = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, **CHINA)
    shop_page = buyer.new_page()
    shop_page.goto(f"{url}/product/jk-wind-01")
    shop_page.click("#chat-open")
    say(shop_page, "这件风衣能便宜50吗")
    shop_page.wait_for_selector("#chat-status:has-text('人工客服')", timeout=WAIT_MS)

    # A buyer of another platform (the id is their nick) has waited past the policy's highlight for a late parcel.
    post_ticket(assistant, "tb_小雨2020", ["late_parcel"], "high", FIXED - timedelta(minutes=6), "快递怎么还没到")

    # The agent's queue: readable names, reasons in words, how long each buyer has waited, filters.
    agent = browser.new_context(viewport={"width": 1500, "height": 950}, bypass_csp=True, **CHINA)
    console = sign_in(agent, url, AGENT, AGENT_PASSWORD)
    console.wait_for_function("document.querySelectorAll('#queue li').length === 2", timeout=WAIT_MS)
    bargain = console.inner_text("#queue li:has-text('议价超出客服权限')")
    assert re.search(r"买家[0-9a-f]{6}", bargain) and "已等" in bargain, bargain
    assert "2026" not in bargain and "AM" not in bargain and "PM" not in bargain  # Chinese times, shop time
    late = console.locator("#queue li", has_text="tb_小雨2020")
    assert late.locator(".wait-long").inner_text() == "已等 6分"  # past console.wait_warning_minutes: highlighted
    console.select_option("#f-reason", "late_parcel")
    console.wait_for_function("document.querySelectorAll('#queue li').length === 1", timeout=WAIT_MS)
    console.fill("#f-q", "小雨")
    console.wait_for_selector("#queue li:has-text('tb_小雨2020')", timeout=WAIT_MS)
    console.fill("#f-q", "")
    console.select_option("#f-reason", "")
    # A new urgent ticket while the console is open: a badge (and a sound) tell the agent.
    complaint = assistant.buyer(product="jn-denim-01")
    complaint.send("刚收到的裤子破了个洞")
    console.wait_for_selector("#urgent-badge:has-text('新紧急工单 1')", timeout=WAIT_MS)
    console.wait_for_function("document.querySelectorAll('#queue li').length === 3", timeout=WAIT_MS)
    assert "紧急" in console.inner_text("#queue li:first-child")
    console.screenshot(path=str(SHOTS / "console_queue.png"), full_page=True)
    console.click("#queue li:has-text('议价超出客服权限')")
    console.wait_for_selector("#t-summary li", timeout=WAIT_MS)

    console.click("#t-claim")
    console.wait_for_selector("#suggestions button", timeout=WAIT_MS)
    suggestions = console.locator("#suggestions button")
    assert 2 <= suggestions.count() <= 3
    coupon = console.locator("#suggestions button", has_text="用券后")
    assert coupon.count() == 1, console.inner_text("#suggestions")
    # The buyer's orders beside the chat (the demo orders every new shop-page buyer has), with the latest scan.
    console.wait_for_selector("#p-orders li.order", timeout=WAIT_MS)
    orders = console.inner_text("#p-orders")
    assert "已发货" in orders and "最新物流" in orders and "尾号" in orders, orders
    assert "风衣" in console.inner_text("#p-product")
    console.screenshot(path=str(SHOTS / "console_ticket.png"), full_page=True)

    # One click puts the suggestion in the reply box; the agent edits it and sends it.
    coupon.click()
    drafted = console.input_value("#reply-text")
    assert "满299减30店铺券" in drafted and "299元" in drafted, drafted
    console.fill("#reply-text", drafted + " 喜欢的话今天就可以拍哦")
    console.click("#reply-form button")
    console.wait_for_selector("#t-transcript li:has-text('今天就可以拍')", timeout=WAIT_MS)
    shop_page.wait_for_selector("#chat-log li:has-text('今天就可以拍')", timeout=WAIT_MS)

    # A quick phrase: / and a few letters, Enter.
    console.fill("#reply-text", "")
    console.type("#reply-text", "/sup")
    console.wait_for_selector("#phrases li", timeout=WAIT_MS)
    console.press("#reply-text", "Enter")
    assert "请示主管" in console.input_value("#reply-text")
    console.click("#reply-form button")
    console.wait_for_selector("#t-transcript li:has-text('请示主管')", timeout=WAIT_MS)

    # 50 is above the agent's limit: asked for, pending; then the ticket goes to the supervisor.
    console.select_option("#c-kind", "discount")
    console.fill("#c-amount", "50")
    console.fill("#c-reason", "老顾客，买家坚持要便宜50")
    console.click("#concession-form button")
    console.wait_for_selector("#t-concessions li.c-pending", timeout=WAIT_MS)
    console.select_option("#transfer-to", SUPERVISOR)
    console.fill("#transfer-note", "超出权限的让利，请主管定")
    console.click("#transfer-form button")
    console.wait_for_selector("#t-history li:has-text('转交给 李华')", timeout=WAIT_MS)
    assert console.locator("#reply-form").is_hidden()  # no longer hers to answer
    shop_page.wait_for_selector("#chat-log li:has-text('客服李华为您服务')", timeout=WAIT_MS)

    # The supervisor approves from the ticket, answers, resolves.
    chief = browser.new_context(viewport={"width": 1500, "height": 950}, bypass_csp=True, **CHINA)
    desk = sign_in(chief, url, SUPERVISOR, SUPERVISOR_PASSWORD)
    desk.check("#f-mine")
    desk.wait_for_function("document.querySelectorAll('#queue li').length === 1", timeout=WAIT_MS)
    open_first(desk)
    assert "待审批" in desk.inner_text("#queue")
    desk.click("#t-concessions button.approve")
    desk.wait_for_selector("#t-concessions li.c-approved", timeout=WAIT_MS)
    assert "已同意" in desk.inner_text("#t-concessions")
    desk.fill("#reply-text", "亲，主管这边同意给您优惠50元，我帮您改价～")
    desk.click("#reply-form button")
    desk.wait_for_selector("#t-transcript li:has-text('同意给您优惠50元')", timeout=WAIT_MS)
    desk.fill("#resolve-outcome", "主管批准让利50元，已改价")
    desk.press("#resolve-outcome", "Enter")
    desk.wait_for_function("document.querySelector('#queue li') === null", timeout=WAIT_MS)  # mine: none left

    # The buyer's page asks for a rating: 5 stars and a comment.
    shop_page.wait_for_selector("#rating .star", timeout=WAIT_MS)
    shop_page.click("#rating .star[data-score='5']")
    shop_page.fill("#rating .rating-comment", "态度很好")
    shop_page.screenshot(path=str(SHOTS / "shop_rating.png"), full_page=True)
    shop_page.click("#rating .rating-send")
    shop_page.wait_for_selector("#chat-log li:has-text('谢谢亲的评价')", timeout=WAIT_MS)
    store = TicketStore(assistant.orders_url)
    try:
        done = [t for t in store.recent("resolved") if t.outcome == "主管批准让利50元，已改价"][0]
    finally:
        store.close()
    assert (done.rating.score, done.rating.comment) == (5, "态度很好")
    assert [(h.kind, h.by, h.to) for h in done.history][:2] == [("claimed", AGENT, AGENT), ("transferred", AGENT, SUPERVISOR)]
    assert (done.concessions[0].status, done.concessions[0].decided_by) == ("approved", SUPERVISOR)

    # The agent's view of the ticket after it: the decision is on it; agents do not get the report.
    assert console.request.get(f"{url}/report").status == 403

    # The supervisor reads the service report. The tickets carry the stack's fixed time (FIXED_NOW) and Rasa stamps
    # the conversation with the real clock: the range covers both days (two reports when they are far apart).
    desk.click("text=服务报告")
    desk.wait_for_selector("#report", timeout=WAIT_MS)
    fixed_day = datetime.fromisoformat(FIXED_NOW).date()
    real_day = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    ranges = [(min(fixed_day, real_day), max(fixed_day, real_day))]
    if (ranges[0][1] - ranges[0][0]).days > 80:
        ranges = [(fixed_day, fixed_day), (real_day, real_day)]
    handoffs = messages = 0
    for first, last in ranges:
        desk.goto(f"{url}/report?from={first}&to={last}")
        desk.wait_for_selector("#report", timeout=WAIT_MS)
        handoffs += int(desk.inner_text("#fig-handoffs").replace(",", ""))
        shown = desk.inner_text("#fig-messages")
        messages += 0 if shown == "—" else int(shown.replace(",", ""))
        if "—" != desk.inner_text("#fig-rating"):
            desk.screenshot(path=str(SHOTS / "report_page.png"), full_page=True)
    assert handoffs >= 1 and messages >= 1, "the report read neither the tickets nor the tracker store"
    # The other tickets of this test leave the queue (the session's stack is shared with other tests).
    for ticket in console.request.get(f"{url}/api/tickets").json()["tickets"]:
        assert console.request.post(f"{url}/api/tickets/{ticket['id']}/claim", data={}).ok
        assert console.request.post(f"{url}/api/tickets/{ticket['id']}/resolve", data={"outcome": "测试结束"}).ok
    for context in (buyer, agent, chief):
        context.close()


def test_the_report_of_a_synthetic_month(browser, tmp_path):  # noqa: F811
    """The command's report on a generated month of a busy shop; the page shows what was generated."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tracker, tickets = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'shop.sqlite'}"
    spec = MonthSpec()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.report.synthetic", "--tracker-url", tracker, "--tickets-url", tickets,
                    "--month", spec.first.strftime("%Y-%m")], check=True, cwd=ROOT, capture_output=True, text=True)
    made = subprocess.run([sys.executable, "-m", "bot.report", "--from", "2026-11-01", "--to", "2026-11-30",
                           "--tracker-url", tracker, "--tickets-url", tickets, "--out", str(tmp_path / "out")],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    print(f"synthetic month and its report in {time.perf_counter() - started:.1f} s; {made.stdout.strip()}")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((tmp_path / "out" / "report-2026-11-01-2026-11-30.html").as_uri())
    assert page.inner_text("#fig-messages") == f"{spec.buyer_messages:,}"
    assert page.inner_text("#fig-handoffs") == f"{spec.tickets:,}"
    assert page.locator("img").count() == 5
    page.screenshot(path=str(SHOTS / "report_month.png"), full_page=True)
    page.close()
