"""The agents' console: sign-in against the agents file, a signed session cookie, the page and its socket.

Sign-in is throttled per name and per address (bot.web.rate_limits), costs the same for unknown names,
and checks the password off the event loop (scrypt is slow on purpose). A session lives in the session
store until it expires or its agent signs out; the cookie is ``Secure`` behind a TLS proxy.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta
from typing import Awaitable, Callable, Optional, Tuple

from aiohttp import WSMsgType, web

from bot.web import keys
from bot.web.agents import Agent
from bot.web.pages import render
from bot.web.requests import client_address, json_error, origin_allowed
from bot.workbench.words import reason_words

COOKIE = "xiaodian_session"
SESSION_SECONDS = 12 * 3600
ADD_AGENT_COMMAND = "python -m bot.web.agents add <name> --display-name <显示名>"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _session(request: web.Request) -> Optional[Tuple[str, str]]:
    """(agent name, session id) of a valid cookie whose session is still open."""
    app = request.app
    found = app[keys.signer_key].session_from_cookie(request.cookies.get(COOKIE))
    if found is None:
        return None
    name, session_id = found
    return found if app[keys.sessions_key].is_open(session_id, name, app[keys.clock_key]()) else None


def current_agent(request: web.Request) -> Optional[Agent]:
    """The signed-in agent: a valid cookie, an open session, and the agent still in the agents file."""
    found = _session(request)
    return request.app[keys.agents_key].get(found[0]) if found else None


def _same_site(request: web.Request) -> bool:
    return origin_allowed(request, request.app[keys.settings_key].public_url)


def agent_only(handler: Handler) -> Handler:
    """Require a signed-in agent (401 JSON) and, for cookie-authenticated writes, a same-site Origin (403)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        agent = current_agent(request)
        if agent is None:
            return json_error(401, "sign in to the console first 请先登录客服后台")
        if request.method != "GET" and not _same_site(request):
            return json_error(403, "Origin not allowed", "Origin")
        request["agent"] = agent
        return await handler(request)

    return wrapper


def supervisor_only(handler: Handler) -> Handler:
    """Like agent_only, and the agent must be a supervisor (403 JSON otherwise)."""

    @functools.wraps(handler)
    @agent_only
    async def wrapper(request: web.Request) -> web.StreamResponse:
        if not request["agent"].is_supervisor:
            return json_error(403, "for supervisors only 仅主管可以操作")
        return await handler(request)

    return wrapper


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    directory = request.app[keys.agents_key]
    return render(
        "login.html",
        status=status,
        error=error,
        agents_missing=not directory.load(),
        agents_file=str(directory.path),
        command=ADD_AGENT_COMMAND,
    )


async def console_page(request: web.Request) -> web.Response:
    """GET /console: the sign-in page, or the console for a signed-in agent."""
    agent = current_agent(request)
    if agent is None:
        return _login_page(request)
    policy = request.app[keys.shop_key].policy
    keys_ = list(policy.handoff.reasons)
    reasons = list(zip(keys_, reason_words(policy, keys_)))
    return render("console.html", agent=agent, timezone=policy.shop.timezone, reasons=reasons,
                  wait_warning_minutes=policy.console.wait_warning_minutes,
                  urgent_sound=policy.console.urgent_sound)


async def _form(request: web.Request) -> Tuple[str, str]:
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError, LookupError):
        return "", ""
    name, password = form.get("name", ""), form.get("password", "")
    if not isinstance(name, str) or not isinstance(password, str):
        return "", ""
    return name.strip()[:64], password[:256]


async def login(request: web.Request) -> web.StreamResponse:
    """POST /console/login (form: name, password): sets the session cookie and goes to the console."""
    app = request.app
    if not _same_site(request):
        return json_error(403, "Origin not allowed", "Origin")
    name, password = await _form(request)
    limiter, address = app[keys.limiter_key], client_address(request, app[keys.settings_key].trust_proxy)
    refusal = limiter.over("login_name", name) or limiter.over("login_address", address)
    if refusal:
        response = _login_page(request, f"尝试次数太多，请 {refusal.retry_after_s} 秒后再试 (too many attempts)", status=429)
        response.headers["Retry-After"] = str(refusal.retry_after_s)
        return response
    agent = None
    if name and password:
        loop = asyncio.get_running_loop()
        agent = await loop.run_in_executor(None, app[keys.agents_key].verify, name, password)
    if agent is None:
        limiter.hit("login_name", name)
        limiter.hit("login_address", address)
        return _login_page(request, "账号或密码不对 (wrong name or password)", status=401)
    limiter.clear("login_name", name)
    now = app[keys.clock_key]()
    session_id = app[keys.sessions_key].open(agent.name, now, now + timedelta(seconds=SESSION_SECONDS))
    response = web.HTTPSeeOther("/console")
    response.set_cookie(
        COOKIE,
        app[keys.signer_key].session_cookie(agent.name, session_id, SESSION_SECONDS),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.secure or app[keys.settings_key].secure_cookies,
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout: end the session (the cookie is useless afterwards, even copied) and forget it."""
    if not _same_site(request):
        return json_error(403, "Origin not allowed", "Origin")
    found = _session(request)
    if found is not None:
        request.app[keys.sessions_key].revoke(found[1], request.app[keys.clock_key]())
    response = web.HTTPSeeOther("/console")
    response.del_cookie(COOKIE, path="/")
    return response


async def console_socket(request: web.Request) -> web.StreamResponse:
    """GET /ws/console: ticket changes pushed to signed-in agents (the page reloads what changed)."""
    if not _same_site(request):
        return json_error(403, "Origin not allowed", "Origin")
    if current_agent(request) is None:
        return json_error(401, "sign in to the console first 请先登录客服后台")
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    registry = request.app[keys.console_sockets_key]
    registry.add("console", ws)
    try:
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        registry.discard("console", ws)
    return ws
