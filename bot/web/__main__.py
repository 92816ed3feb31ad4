"""``python -m bot.web [--port N]``: start the shop page, chat widget, agents' console and ticket API."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import List, Optional

from aiohttp import web

from bot import clock
from bot.web import keys
from bot.web.app import SERVER_KWARGS, create_app
from bot.web.settings import DEFAULT_PORT, settings_from_env

HOST = "127.0.0.1"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("XIAODIAN_WEB_PORT") or DEFAULT_PORT))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from_env()
    except ValueError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    os.umask(0o077)  # the stores and logs this service creates are readable by their owner only
    app = create_app(settings, clock=clock.now)
    base = f"http://{HOST}:{args.port}"
    print(f"Shop page (buyers):     {base}/")
    print(f"Agents' console:        {base}/console")
    if not app[keys.agents_key].exists():
        print(f"No agents yet: add one with  python -m bot.web.agents add <name>  ({settings.agents_file})")
    sys.stdout.flush()
    asyncio.run(serve(app, args.port))
    return 0


async def serve(app: web.Application, port: int) -> None:
    """Runs the app on 127.0.0.1:port until SIGINT or SIGTERM, with SERVER_KWARGS (no body inflation)."""
    runner = web.AppRunner(app, **SERVER_KWARGS)
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, port).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    sys.exit(main())
