"""The service report on a synthetic month of a busy shop (bot.report.synthetic: 200,000 buyer messages, 5,000
tickets): how long generating the month takes, and making its report (figures, plots, HTML), on SQLite and, when
installed, on a throwaway PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from bench import report
from bench.processes import free_port
from bot.handoff.store import TicketStore
from bot.report.figures import DateRange
from bot.report.make import make_report
from bot.report.render import write_private
from bot.report.synthetic import MonthSpec, generate
from bot.shop import load_shop
from bot.stack import stores

HEADER = ["database", "buyer messages", "tickets", "tracker events", "generate (s)", "report: figures (s)",
          "plots (s)", "total (s)", "conversations", "self-service", "first response p50 / p90 (s)"]


@contextmanager
def throwaway_postgres(folder: Path) -> Iterator[Tuple[str, str]]:
    """A PostgreSQL cluster of its own in ``folder``: yields the tracker store's and the shop's URLs (no password in
    them; PGPASSWORD is set meanwhile) and stops and removes it afterwards."""
    cluster = stores.PostgresCluster(folder / "pg", free_port())
    cluster.initialise()
    process = subprocess.Popen(cluster.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               **stores.as_user(stores.postgres_user()))
    old = os.environ.get("PGPASSWORD")
    try:
        deadline = time.monotonic() + 60
        while not cluster.accepts_connections():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the throwaway PostgreSQL did not start")
            time.sleep(0.3)
        cluster.create_databases()
        os.environ["PGPASSWORD"] = cluster.password()
        yield cluster.url("rasa"), cluster.url("shop")
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def _run(name: str, spec: MonthSpec, tracker_url: str, tickets_url: str) -> Dict[str, Any]:
    shop = load_shop()
    totals = generate(spec, tracker_url, tickets_url, shop=shop)
    days = DateRange(spec.first, spec.first + timedelta(days=spec.days - 1))
    store = TicketStore(tickets_url)
    try:
        made = make_report(shop.policy, days, store, tracker_url, standalone=True)
    finally:
        store.close()
    html = write_private(report.RESULTS_DIR / f"report_month_{name}.html", made.html)
    figures = made.report
    return {"database": name, "buyer_messages": totals.buyer_messages, "tickets": totals.tickets,
            "events": totals.events, "generate_s": totals.seconds, "figures_s": made.figures_s,
            "tracker_read_s": figures.extra.get("tracker_read_s"), "plots_s": made.plots_s, "total_s": made.total_s,
            "conversations": figures.conversations, "self_service_rate": figures.self_service_rate,
            "first_response": asdict(figures.first_response), "resolution": asdict(figures.resolution),
            "html": str(html)}


def measure(quick: bool = False) -> Dict[str, Any]:
    """Generates the month (a tenth of it with ``quick``) and times its report on each database."""
    spec = MonthSpec()
    if quick:
        spec = replace(spec, buyer_messages=spec.buyer_messages // 10, tickets=spec.tickets // 10)
    folder = Path(tempfile.mkdtemp(prefix="xiaodian-report-"))
    runs: List[Dict[str, Any]] = []
    skipped: Optional[str] = None
    try:
        runs.append(_run("sqlite", spec, f"sqlite:///{folder / 'tracker.db'}", f"sqlite:///{folder / 'shop.sqlite'}"))
        skipped = stores.missing()
        if skipped is None:
            with throwaway_postgres(folder) as (tracker_url, tickets_url):
                runs.append(_run("postgresql", spec, tracker_url, tickets_url))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"spec": {"first": spec.first.isoformat(), "days": spec.days, "buyer_messages": spec.buyer_messages,
                     "tickets": spec.tickets}, "runs": runs, "postgresql_skipped": skipped}


def rows(result: Dict[str, Any]) -> List[List[Any]]:
    table = []
    for run in result["runs"]:
        first = run["first_response"]
        table.append([run["database"], run["buyer_messages"], run["tickets"], run["events"], run["generate_s"],
                      run["figures_s"], run["plots_s"], run["total_s"], run["conversations"],
                      f"{run['self_service_rate'] * 100:.1f} %", f"{first['p50']:.0f} / {first['p90']:.0f}"])
    return table
