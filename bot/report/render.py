"""The report as a CSV file (one figure a row) and as HTML (tables and the plots inline), for the command and the
supervisors' page alike."""

from __future__ import annotations

import base64
import csv
import io
import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import jinja2

from bot.report.figures import ServiceReport, Spread

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS_FILE = TEMPLATES / "report.css"
CSV_COLUMNS = ["section", "item", "words", "measure", "value"]
#: Where trainers label the messages the assistant did not understand.
INBOX_URL = "/inbox"


def percent(value: Optional[float]) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def duration(seconds: Optional[float]) -> str:
    """Seconds as an agent reads a waiting time: 45秒, 3分20秒, 2.5小时."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f}秒"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes}分{rest}秒" if rest else f"{minutes}分"
    return f"{seconds / 3600:.1f}小时"


def number(value: Optional[float]) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _spread_rows(section: str, item: str, words: str, spread: Spread) -> List[list]:
    return [[section, item, words, "count", spread.n], [section, item, words, "p50_s", spread.p50],
            [section, item, words, "p90_s", spread.p90]]


def csv_rows(report: ServiceReport) -> List[list]:
    """Every figure as ``section, item, words, measure, value`` (long format: one reader for every section)."""
    rows: List[list] = [
        ["range", "", "", "first_day", report.range.first.isoformat()],
        ["range", "", "", "last_day", report.range.last.isoformat()],
        ["range", "", "", "timezone", report.timezone],
        ["summary", "", "会话", "conversations", report.conversations],
        ["summary", "", "买家消息", "buyer_messages", report.buyer_messages],
        ["summary", "", "自助解决率", "self_service_rate", report.self_service_rate],
        ["summary", "", "转人工", "handoffs", report.handoffs],
        ["summary", "", "没听懂", "fallbacks", report.fallbacks],
        ["summary", "", "没听懂率", "fallback_rate", report.fallback_rate],
        ["summary", "", "反问", "ask_backs", report.ask_backs],
        ["summary", "", "反问率", "ask_back_rate", report.ask_back_rate],
        ["summary", "", "评价数", "ratings", report.ratings],
        ["summary", "", "平均评分", "rating_average", report.rating_average],
    ]
    rows += _spread_rows("first_response", "", "首次响应", report.first_response)
    rows += _spread_rows("resolution", "", "解决用时", report.resolution)
    for day in report.days:
        item = day.day.isoformat()
        rows += [["daily", item, "", "conversations", day.conversations], ["daily", item, "", "buyer_messages",
                                                                             day.buyer_messages],
                 ["daily", item, "", "handoffs", day.handoffs], ["daily", item, "", "self_service_rate",
                                                                 day.self_service_rate]]
    rows += [["handoff_reasons", c.key, c.words, "tickets", c.count] for c in report.handoff_reasons]
    for agent in report.agents:
        rows += [["agents", agent.agent, agent.display_name, "tickets", agent.tickets],
                 ["agents", agent.agent, agent.display_name, "resolved", agent.resolved],
                 ["agents", agent.agent, agent.display_name, "ratings", agent.ratings],
                 ["agents", agent.agent, agent.display_name, "rating_average", agent.rating_average]]
        rows += _spread_rows("agents_first_response", agent.agent, agent.display_name, agent.first_response)
        rows += _spread_rows("agents_resolution", agent.agent, agent.display_name, agent.resolution)
    rows += [["ratings", str(score), f"{score}星", "count", count] for score, count in report.rating_counts.items()]
    rows += [["top_intents", c.key, c.words, "messages", c.count] for c in report.top_intents]
    rows += [["not_understood", c.key, c.words, "messages", c.count] for c in report.not_understood]
    return rows


def csv_text(report: ServiceReport) -> str:
    """The CSV as text (UTF-8 with a BOM, so Excel shows the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow(["" if value is None else value for value in row])
    return "\ufeff" + buffer.getvalue()


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters.update(percent=percent, duration=duration, number=number)
    return environment


def html(report: ServiceReport, plots: Dict[str, bytes], *, standalone: bool, inbox_url: str = INBOX_URL,
         send_to_inbox: bool = False, csv_url: Optional[str] = None) -> str:
    """The report as HTML.

    Args:
        report: the figures.
        plots: PNG bytes by name (bot.report.plots.all_plots), put inline as data URIs.
        standalone: a whole page with its styles inline (the command's file); else the body the supervisors' page
            wraps (its styles from /report.css: the service's pages forbid inline styles).
        inbox_url: the trainers' inbox the not-understood messages link to.
        send_to_inbox: show the button that sends them there (the page; its script posts them).
        csv_url: where the same as CSV is, if anywhere.
    """
    images = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for name, png in plots.items()}
    return _environment().get_template("report.html").render(
        r=report, images=images, standalone=standalone, css=CSS_FILE.read_text(encoding="utf-8") if standalone else "",
        inbox_url=inbox_url, send_to_inbox=send_to_inbox, csv_url=csv_url,
    )


def write_private(path: Path, text: str) -> Path:
    """Writes a file readable by its owner only (0600), replacing it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return path
