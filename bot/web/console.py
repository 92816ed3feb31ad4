"""The agents' console: sign-in against the agents file, a signed session cookie, the page and its socket."""

from __future__ import annotations

import functools
from typing import Awaitable, Callable, Optional

from aiohttp import WSMsgType, web

from bot.web import keys
from bot.web.agents import Agent
from bot.web.pages import render
from bot.web.requests import json_error, origin_allowed

COOKIE = "xiaodian_session"
SESSION_SECONDS = 12 * 3600
ADD_AGENT_COMMAND = "python -m bot.web.agents add <name> --display-name <显示名>"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def current_agent(request: web.Request) -> Optional[Agent]:
    """The signed-in agent, if the cookie is valid and the agent is still in the agents file."""
    name = request.app[keys.signer_key].agent_from_cookie(request.cookies.get(COOKIE))
    return request.app[keys.agents_key].get(name) if name else None


def agent_only(handler: Handler) -> Handler:
    """Require a signed-in agent (401 JSON) and, for cookie-authenticated writes, a same-site Origin (403)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        agent = current_agent(request)
        if agent is None:
            return json_error(401, "sign in to the console first 请先登录客服后台")
        if request.method != "GET" and not origin_allowed(request):
            return json_error(403, "Origin not allowed", "Origin")
        request["agent"] = agent
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
    return render("console.html", agent=agent)


async def login(request: web.Request) -> web.StreamResponse:
    """POST /console/login (form: name, password): sets the session cookie and goes to the console."""
    if not origin_allowed(request):
        return json_error(403, "Origin not allowed", "Origin")
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    agent = request.app[keys.agents_key].verify(name, password) if name and password else None
    if agent is None:
        return _login_page(request, "账号或密码不对 (wrong name or password)", status=401)
    response = web.HTTPSeeOther("/console")
    response.set_cookie(
        COOKIE,
        request.app[keys.signer_key].session_cookie(agent.name, SESSION_SECONDS),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout: forget the session cookie."""
    response = web.HTTPSeeOther("/console")
    response.del_cookie(COOKIE, path="/")
    return response


async def console_socket(request: web.Request) -> web.StreamResponse:
    """GET /ws/console: ticket changes pushed to signed-in agents (the page reloads what changed)."""
    if not origin_allowed(request):
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
