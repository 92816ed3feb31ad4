"""HTML pages rendered from bot/web/templates with Jinja2 (autoescaped: shop data and names are escaped)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )


def render(name: str, status: int = 200, **context: Any) -> web.Response:
    """The template ``name`` rendered with ``context`` as an HTML response."""
    html = _environment().get_template(name).render(**context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
