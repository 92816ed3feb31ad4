"""Making a report: figures, plots and HTML together, timed (shared by the command, the page and the benchmark)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, Optional

from bot.handoff.store import TicketStore
from bot.report.figures import DateRange, ServiceReport, build_report
from bot.report.plots import all_plots
from bot.report.render import html
from bot.shop.schema import Policy


@dataclass
class MadeReport:
    """A report with its plots and HTML, and what each part took (seconds)."""

    report: ServiceReport
    plots: Dict[str, bytes]
    html: str
    figures_s: float
    plots_s: float
    total_s: float


def make_report(policy: Policy, days: DateRange, tickets: TicketStore, tracker_url: Optional[str], *,
                standalone: bool, agent_names: Optional[Dict[str, str]] = None, now: Optional[datetime] = None,
                send_to_inbox: bool = False, csv_url: Optional[str] = None) -> MadeReport:
    """Figures (bot.report.figures.build_report), plots and HTML (bot.report.render.html)."""
    started = time.perf_counter()
    report = build_report(policy, days, tickets, tracker_url, agent_names, now)
    figures_done = time.perf_counter()
    plots = all_plots(report)
    plots_done = time.perf_counter()
    page = html(report, plots, standalone=standalone, send_to_inbox=send_to_inbox, csv_url=csv_url)
    return MadeReport(report, plots, page, figures_done - started, plots_done - figures_done,
                      time.perf_counter() - started)
