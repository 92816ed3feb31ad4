"""``python -m bot.stack run [--instances N] [--stores local|shared]``: start the assistant and keep it running.

``make run`` is ``run`` with local stores; ``make run-scaled`` is ``run --stores shared --instances 2``.
It waits until every service answers, prints where to find the shop page and the console, and stops
everything on Ctrl-C or when one service stops (saying which, with the end of its log).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import List, Optional

from bot.stack.launcher import WEB_PORT, Stack, StackConfig
from bot.stack.processes import StartError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.stack", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start Rasa, the action server(s) and the web service; Ctrl-C stops them")
    run.add_argument("--instances", type=int, default=1, help="Rasa instances (several need --stores shared)")
    run.add_argument("--stores", choices=("local", "shared"), default="local",
                     help="local: SQLite files in var/; shared: PostgreSQL and Redis (make setup-scaled)")
    run.add_argument("--web-port", type=int, default=int(os.environ.get("XIAODIAN_WEB_PORT") or WEB_PORT))
    return parser


def _banner(stack: Stack, seconds: float) -> str:
    config = stack.config
    lines = [
        f"==> The assistant is ready ({seconds:.0f} s to load): {config.instances} Rasa instance(s), "
        f"{config.stores} stores.",
        f"    Shop page (buyers):      {stack.web_url}/",
        f"    Agents' console:         {stack.web_url}/console   (add an agent first: make agent NAME=xiaomei)",
        "    Or in another terminal:  make chat   (a buyer of the shop page, in the terminal)",
        f"    Logs:                    {config.log_dir}/",
    ]
    if stack.postgres:
        lines.append(f"    Tracker, orders, tickets: PostgreSQL 127.0.0.1:{stack.postgres.port} databases rasa and shop "
                     f"(user {stack.postgres.user}, password in {stack.postgres.password_file})")
        lines.append(f"    Lock store:              Redis 127.0.0.1:{stack.ports['redis']} (password per start)")
    lines.append("    Rasa and the action servers answer only the web service (credentials made at each start).")
    lines.append("    Press Ctrl-C to stop.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    env = {"XIAODIAN_DEMO_ORDERS": os.environ.get("XIAODIAN_DEMO_ORDERS", "1")}
    config = StackConfig(instances=args.instances, stores=args.stores, web_port=args.web_port, env=env)
    try:
        config.check()
    except ValueError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    stopping = {"signal": None}

    def on_signal(number: int, _frame: object) -> None:
        stopping["signal"] = number
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    stack = Stack(config)
    print(f"==> Starting {config.instances} Rasa instance(s) with their action server(s) and the web service "
          f"(logs in {config.log_dir}/); loading the model takes under a minute", flush=True)
    try:
        with stack:
            stack.wait_ready()
            print(_banner(stack, time.perf_counter() - stack.started_at), flush=True)
            while True:
                for service in stack.services:
                    if not service.running:
                        print(f"ERROR: {service.name} stopped; the end of {service.log}:\n{service.log_tail()}",
                              file=sys.stderr)
                        return 1
                time.sleep(1)
    except StartError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n==> Stopping the assistant", flush=True)
        return 0 if stopping["signal"] in (None, signal.SIGTERM) else 130


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
