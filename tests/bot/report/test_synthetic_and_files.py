"""The synthetic month is counted by the report exactly as generated (SQLite and PostgreSQL); the CSV and HTML the
command writes; sending the messages not understood to the trainers' inbox."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bot.handoff.store import TicketStore
from bot.report import __main__ as report_cli
from bot.report.figures import DateRange, build_report
from bot.report.inbox import add_to_review_file
from bot.report.make import make_report
from bot.report.render import csv_text
from bot.report.synthetic import MonthSpec, generate
from bot.trainer.review import read_review

SPEC = MonthSpec(first=date(2026, 11, 9), days=4, buyer_messages=3_000, tickets=120, seed=3)
DAYS = DateRange(SPEC.first, date(2026, 11, 12))


@pytest.fixture
def month(database, shop):
    return database, generate(SPEC, database, database, shop=shop)


def test_the_report_counts_the_synthetic_month_as_generated(month, shop):
    url, totals = month
    assert (totals.buyer_messages, totals.tickets) == (SPEC.buyer_messages, SPEC.tickets)
    store = TicketStore(url)
    try:
        report = build_report(shop.policy, DAYS, store, url)
    finally:
        store.close()
    assert (report.buyer_messages, report.conversations) == (totals.buyer_messages, totals.conversations)
    assert {d.day: d.buyer_messages for d in report.days} == totals.per_day_messages
    assert (report.fallbacks, report.ask_backs) == (totals.fallbacks, totals.ask_backs)
    assert report.handoffs == totals.tickets
    assert {c.key: c.count for c in report.handoff_reasons} == totals.per_reason
    assert report.ratings == totals.ratings and report.rating_average == pytest.approx(totals.rating_sum / totals.ratings)
    assert sum(a.resolved for a in report.agents) == totals.resolved
    assert 0.5 < report.self_service_rate < 1 and report.first_response.p50 < report.resolution.p50


def test_csv_html_and_the_command(month, shop, tmp_path, capsys):
    url, totals = month
    store = TicketStore(url)
    try:
        made = make_report(shop.policy, DAYS, store, url, standalone=True)
    finally:
        store.close()
    assert set(made.plots) == {"daily", "reasons", "agents", "ratings", "intents"}
    assert all(png.startswith(b"\x89PNG") for png in made.plots.values())
    assert made.html.count("data:image/png;base64,") == 5 and "<style>" in made.html
    assert f'id="fig-messages">{totals.buyer_messages:,}<' in made.html
    rows = list(csv.DictReader(io.StringIO(csv_text(made.report).lstrip("\ufeff"))))
    summary = {r["measure"]: r["value"] for r in rows if r["section"] == "summary"}
    assert int(summary["buyer_messages"]) == totals.buyer_messages and int(summary["handoffs"]) == totals.tickets
    daily = [r for r in rows if r["section"] == "daily" and r["measure"] == "buyer_messages"]
    assert {r["item"]: int(r["value"]) for r in daily} == {d.isoformat(): n for d, n in totals.per_day_messages.items()}

    review = tmp_path / "review.csv"
    code = report_cli.main(["--from", "2026-11-09", "--to", "2026-11-12", "--tracker-url", url, "--tickets-url", url,
                            "--out", str(tmp_path / "out"), "--review-file", str(review)])
    assert code == 0
    out = capsys.readouterr().out
    assert f"{totals.buyer_messages} buyer messages" in out and "made in" in out
    for name in ("report-2026-11-09-2026-11-12.csv", "report-2026-11-09-2026-11-12.html"):
        path = tmp_path / "out" / name
        assert path.stat().st_size > 0 and path.stat().st_mode & 0o077 == 0
    assert review.stat().st_mode & 0o077 == 0 and read_review(review)


def test_messages_not_understood_go_to_the_review_file_once(tmp_path, month, shop):
    url, _ = month
    store = TicketStore(url)
    try:
        report = build_report(shop.policy, DAYS, store, url)
    finally:
        store.close()
    review = tmp_path / "review.csv"
    assert add_to_review_file(review, report.not_understood) == len(report.not_understood) > 0
    rows = read_review(review)
    assert [r.text for r in rows] == [c.words for c in report.not_understood]
    assert all(r.predicted == "nlu_fallback" and r.reasons == ["fallback"] and not r.label for r in rows)
    assert f"{report.not_understood[0].count} 次" in rows[0].note
    # Again (a trainer labelled one meanwhile): nothing twice, the label kept.
    rows[0].label = "greet"
    from bot.trainer.review import replace_review
    replace_review(rows, review)
    assert add_to_review_file(review, report.not_understood) == 0
    assert read_review(review)[0].label == "greet"
