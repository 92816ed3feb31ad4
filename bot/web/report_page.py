"""The service report for supervisors: the page (/report?from=&to=), its CSV, and sending the messages the
assistant did not understand to the trainers' inbox. Made off the event loop (a month takes seconds)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any, Mapping, Optional, Tuple

from aiohttp import web
from markupsafe import Markup

from bot.report.figures import MAX_DAYS, DateRange, build_report
from bot.report.inbox import add_to_review_file
from bot.report.make import MadeReport, make_report
from bot.report.render import CSS_FILE, csv_text
from bot.web import keys
from bot.web.console import current_agent, supervisor_only
from bot.web.pages import render
from bot.web.requests import BadRequest, read_json

#: Without a range: the last week, today included.
DEFAULT_DAYS = 7


def _date(value: Any, field: str) -> date:
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a date like 2026-11-01", field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{field} must be a date like 2026-11-01 日期格式应为 2026-11-01", field) from None


def date_range(app: web.Application, values: Mapping[str, Any]) -> DateRange:
    """``from`` and ``to`` (shop days, both included); default: the last week. BadRequest naming the field."""
    today = app[keys.shop_key].policy.local(app[keys.clock_key]()).date()
    last = _date(values["to"], "to") if values.get("to") else today
    first = _date(values["from"], "from") if values.get("from") else last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise BadRequest("to is before from 结束日期早于开始日期", "to")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadRequest(f"at most {MAX_DAYS} days in one report 一次最多{MAX_DAYS}天", "from")
    return DateRange(first, last)


async def _made(app: web.Application, days: DateRange, csv_url: Optional[str]) -> MadeReport:
    names = {agent.name: agent.display_name for agent in app[keys.agents_key].load().values()}
    policy = app[keys.shop_key].policy
    now = app[keys.clock_key]().astimezone(policy.tz)
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: make_report(policy, days, app[keys.store_key], app[keys.settings_key].tracker_store_url,
                                  standalone=False, agent_names=names, now=now, send_to_inbox=True, csv_url=csv_url))


async def report_page(request: web.Request) -> web.StreamResponse:
    """GET /report?from=&to=: the report page (supervisors); the sign-in page first; 403 for other agents."""
    agent = current_agent(request)
    if agent is None:
        raise web.HTTPSeeOther("/console")
    if not agent.is_supervisor:
        return render("report_page.html", status=403, agent=agent, body="", error="服务报告仅主管可以查看", first="",
                      last="")
    try:
        days = date_range(request.app, request.query)
    except BadRequest as error:
        return render("report_page.html", status=400, agent=agent, body="", error=error.message,
                      first=request.query.get("from", ""), last=request.query.get("to", ""))
    made = await _made(request.app, days, f"/report.csv?from={days.first}&to={days.last}")
    return render("report_page.html", agent=agent, body=Markup(made.html), error="", first=str(days.first),
                  last=str(days.last))


@supervisor_only
async def report_csv(request: web.Request) -> web.Response:
    """GET /report.csv?from=&to=: the same figures as CSV (supervisors)."""
    try:
        days = date_range(request.app, request.query)
    except BadRequest as error:
        return error.response()
    made = await _made(request.app, days, None)
    return web.Response(text=csv_text(made.report), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="report-{days.first}-{days.last}.csv"'})


@supervisor_only
async def send_to_inbox(request: web.Request) -> web.Response:
    """POST /api/report/inbox {from, to}: the range's messages not understood, added to the trainers' review file."""
    app = request.app
    try:
        days = date_range(app, await read_json(request))
    except BadRequest as error:
        return error.response()
    settings, policy = app[keys.settings_key], app[keys.shop_key].policy

    def send() -> Tuple[int, int]:
        report = build_report(policy, days, app[keys.store_key], settings.tracker_store_url)
        return add_to_review_file(settings.review_file, report.not_understood), len(report.not_understood)

    added, messages = await asyncio.get_running_loop().run_in_executor(None, send)
    return web.json_response({"added": added, "messages": messages})


async def report_css(request: web.Request) -> web.FileResponse:
    """GET /report.css: the report's styles (one file for the page and the command's HTML)."""
    return web.FileResponse(CSS_FILE)
