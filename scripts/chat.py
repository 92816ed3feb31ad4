"""A terminal chat with the running assistant, as a buyer of the shop page (start `make run` first)."""

import argparse
import os
import sys

import requests

from bot.web.buyer_client import BuyerApiError, BuyerClient


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--web", default=f"http://127.0.0.1:{os.environ.get('XIAODIAN_WEB_PORT', '8080')}",
                        help="the web service (default: make run's)")
    parser.add_argument("--product", default=None, help="a catalogue id: chat as if from that product's page")
    args = parser.parse_args()
    buyer = BuyerClient(args.web, product=args.product)
    try:
        buyer.start()
    except (requests.RequestException, BuyerApiError) as error:
        print(f"Cannot start a chat at {args.web} ({error}). Is `make run` running?", file=sys.stderr)
        return 1
    print(f"Chatting as a new shop-page buyer ({buyer.buyer_id}; `make run` gives each one the demo orders).")
    print("Type a message (Chinese is fine); a number clicks that button; Ctrl-D or /quit to leave.")
    while True:
        try:
            text = input("买家> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip() == "/quit":
            return 0
        buttons = buyer.buttons()
        try:
            if text.strip().isdigit() and 1 <= int(text) <= len(buttons):
                button = buttons[int(text) - 1]
                answer = buyer.send(button["title"], payload=button["payload"])
            else:
                answer = buyer.send(text)
        except BuyerApiError as error:
            print(f"(the service refused it: {error.body})", file=sys.stderr)
            continue
        except requests.RequestException as error:
            print(f"Cannot reach the assistant at {args.web} ({error}). Is `make run` running?", file=sys.stderr)
            continue
        for reply in answer["replies"]:
            print(f"小店> {reply['text']}")
        for number, button in enumerate(buyer.buttons(), start=1):
            print(f"      [{number}] {button['title']}")
        if answer.get("queued"):
            print("      (the assistant is away for a moment; its answer will come when it is back)")


if __name__ == "__main__":
    sys.exit(main())
