"""The service report page: supervisors only, a date range checked field by field, the CSV, and sending the
messages not understood to the trainers' inbox."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.report.synthetic import MonthSpec, generate
from bot.shop import load_shop
from bot.trainer.review import read_review
from tests.bot.web.conftest import sign_in

SPEC = MonthSpec(first=date(2026, 11, 9), days=3, buyer_messages=600, tickets=20, seed=5)
RANGE = {"from": "2026-11-09", "to": "2026-11-11"}


@pytest.fixture
async def reporting(make_client, fake_rasa, tmp_path):
    """A service over a small synthetic stretch: its tickets in the ticket store, its conversations in a tracker store."""
    tickets_url, tracker_url = f"sqlite:///{tmp_path / 'tickets.sqlite'}", f"sqlite:///{tmp_path / 'tracker.db'}"
    totals = generate(SPEC, tracker_url, tickets_url, shop=load_shop())
    client = await make_client(fake_rasa.url, tracker_store_url=tracker_url, review_file=tmp_path / "review.csv",
                               clock=lambda: datetime(2026, 11, 12, 2, 0, tzinfo=timezone.utc))
    return client, totals, tmp_path / "review.csv"


async def test_only_supervisors_read_the_report(reporting):
    client, totals, _ = reporting
    assert (await client.get("/report", allow_redirects=False)).status == 303
    alice = await sign_in(client, "alice")
    assert (await client.get("/report", headers=alice)).status == 403
    assert (await client.get("/report.csv", params=RANGE, headers=alice)).status == 403
    boss = await sign_in(client, "boss")
    page = await client.get("/report", params=RANGE, headers=boss)
    assert page.status == 200
    html = await page.text()
    assert f'id="fig-messages">{totals.buyer_messages:,}<' in html and f'id="fig-handoffs">{totals.tickets:,}<' in html
    assert html.count("data:image/png;base64,") >= 4 and 'href="/inbox"' in html and "<script>" not in html
    default = await (await client.get("/report", headers=boss)).text()  # the last week up to today (shop time)
    assert "2026-11-06 – 2026-11-12" in default
    console = await (await client.get("/console", headers=boss)).text()
    assert 'href="/report"' in console and 'href="/report"' not in await (await client.get("/console", headers=alice)).text()


@pytest.mark.parametrize("params, message", [
    ({"from": "2026-11-31", "to": "2026-12-01"}, "from"), ({"from": "2026-11-09", "to": "yesterday"}, "to"),
    ({"from": "2026-11-10", "to": "2026-11-09"}, "before"), ({"from": "2026-01-01", "to": "2026-11-09"}, "92"),
])
async def test_a_bad_range_is_a_400_saying_what_is_wrong(reporting, params, message):
    client, _, _ = reporting
    boss = await sign_in(client, "boss")
    page = await client.get("/report", params=params, headers=boss)
    assert page.status == 400 and message in await page.text()
    csv_response = await client.get("/report.csv", params=params, headers=boss)
    assert csv_response.status == 400


async def test_the_csv_has_the_same_figures(reporting):
    client, totals, _ = reporting
    response = await client.get("/report.csv", params=RANGE, headers=await sign_in(client, "boss"))
    assert response.status == 200 and response.content_type == "text/csv"
    assert "report-2026-11-09-2026-11-11.csv" in response.headers["Content-Disposition"]
    text = await response.text()
    assert f"summary,,买家消息,buyer_messages,{totals.buyer_messages}" in text


async def test_supervisors_send_the_messages_not_understood_to_the_inbox(reporting):
    client, _, review = reporting
    boss, alice = await sign_in(client, "boss"), await sign_in(client, "alice")
    assert (await client.post("/api/report/inbox", json=RANGE, headers=alice)).status == 403
    assert (await client.post("/api/report/inbox", json=RANGE, headers={**boss, "Origin": "http://evil.example"})).status == 403
    bad = await client.post("/api/report/inbox", json={"from": 7}, headers=boss)
    assert bad.status == 400 and (await bad.json())["field"] == "from"
    sent = await (await client.post("/api/report/inbox", json=RANGE, headers=boss)).json()
    assert sent["added"] == sent["messages"] > 0 and len(read_review(review)) == sent["added"]
    again = await (await client.post("/api/report/inbox", json=RANGE, headers=boss)).json()
    assert again["added"] == 0


async def test_without_a_tracker_store_the_page_says_why(make_client, fake_rasa):
    client = await make_client(fake_rasa.url)
    html = await (await client.get("/report", headers=await sign_in(client, "boss"))).text()
    assert "no tracker store configured" in html
    assert (await client.get("/report.css")).status == 200
