"""``python -m bot.report --from 2026-11-01 --to 2026-11-30``: the service report as CSV and HTML files.

Reads the tickets from the shop's database (``--tickets-url``, else ``DATABASE_URL``, else var/orders.sqlite) and
the conversations from Rasa's tracker store (``--tracker-url``, else ``XIAODIAN_TRACKER_URL``, else
var/tracker.db when it exists); for PostgreSQL give the URL without the password and set ``PGPASSWORD``.
``--review-file`` also sends the messages not understood to the trainers' inbox.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import List, Optional

from bot.handoff.store import TicketStore
from bot.report.figures import DateRange
from bot.report.inbox import add_to_review_file
from bot.report.make import make_report
from bot.report.render import csv_text, duration, percent, write_private
from bot.shop import ShopDataError, load_shop

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_TRACKER = REPO_DIR / "var" / "tracker.db"
DEFAULT_OUT = REPO_DIR / "var" / "report"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-01") from None


def default_tracker_url() -> Optional[str]:
    return os.environ.get("XIAODIAN_TRACKER_URL") or (f"sqlite:///{DEFAULT_TRACKER}" if DEFAULT_TRACKER.exists() else None)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="first", type=_day, help="first day, shop time (default: 30 days ago)")
    parser.add_argument("--to", dest="last", type=_day, help="last day, included (default: yesterday)")
    parser.add_argument("--tickets-url", help="SQLAlchemy URL of the tickets (default: DATABASE_URL or var/orders.sqlite)")
    parser.add_argument("--tracker-url", default=default_tracker_url(),
                        help="SQLAlchemy URL of Rasa's tracker store (default: XIAODIAN_TRACKER_URL or var/tracker.db)")
    parser.add_argument("--shop-dir", type=Path, help="the shop's data files (default: data/shop)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the CSV and HTML (default: var/report)")
    parser.add_argument("--review-file", type=Path, help="also add the messages not understood to this review file")
    args = parser.parse_args(argv)
    try:
        shop = load_shop(args.shop_dir)
    except ShopDataError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    policy = shop.policy
    today = policy.local(datetime.now(timezone.utc)).date()
    last = args.last or today - timedelta(days=1)
    first = args.first or last - timedelta(days=29)
    try:
        days = DateRange(first, last)
    except ValueError as error:
        parser.error(str(error))
    store = TicketStore(args.tickets_url)
    store.create_schema()  # a shop without tickets yet still gets its report
    try:
        made = make_report(policy, days, store, args.tracker_url, standalone=True,
                           now=datetime.now(timezone.utc).astimezone(policy.tz))
    finally:
        store.close()
    report = made.report
    stem = f"report-{first}-{last}"
    csv_path = write_private(args.out / f"{stem}.csv", csv_text(report))
    html_path = write_private(args.out / f"{stem}.html", made.html)
    if report.tracker_note:
        print(f"note: {report.tracker_note}: conversation figures left out")
    print(f"{first} – {last}: {report.conversations if report.conversations is not None else '—'} conversations, "
          f"{report.buyer_messages if report.buyer_messages is not None else '—'} buyer messages, "
          f"self-service {percent(report.self_service_rate)}, {report.handoffs} tickets, "
          f"first response p50 {duration(report.first_response.p50)}, rating "
          f"{'—' if report.rating_average is None else f'{report.rating_average:.2f}'} ({report.ratings})")
    print(f"made in {made.total_s:.2f} s (figures {made.figures_s:.2f} s, plots {made.plots_s:.2f} s)")
    print(f"-> {csv_path}\n-> {html_path}")
    if args.review_file:
        added = add_to_review_file(args.review_file, report.not_understood)
        print(f"-> {args.review_file}: {added} message(s) added for the trainers' inbox")
    return 0


if __name__ == "__main__":
    sys.exit(main())
