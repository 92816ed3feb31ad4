"""A terminal chat with the running assistant over its REST webhook (start `make run` first)."""

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid

URL = "http://127.0.0.1:5005/webhooks/rest/webhook"


def send(sender: str, text: str, buyer: str = "", product: str = "") -> list:
    """Posts one buyer message, with the metadata the shop page sends, and returns the replies."""
    metadata = {key: value for key, value in (("buyer_id", buyer), ("product", product)) if value}
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode()
    request = urllib.request.Request(URL, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buyer", default="demo-buyer",
                        help="the buyer id sent as the shop page does (default: demo-buyer, who has demo orders)")
    parser.add_argument("--product", default="", help="a catalogue id: chat as if from that product's page")
    args = parser.parse_args()
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"Chatting as buyer {args.buyer} ({sender}). Type a message (Chinese is fine); Ctrl-D or /quit to leave.")
    while True:
        try:
            text = input("买家> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip() == "/quit":
            return 0
        try:
            replies = send(sender, text, args.buyer, args.product)
        except (urllib.error.URLError, ConnectionError) as error:
            print(f"Cannot reach the assistant at {URL} ({error}). Is `make run` running?", file=sys.stderr)
            continue
        for reply in replies:
            if "text" in reply:
                print(f"小店> {reply['text']}")
            for button in reply.get("buttons", []):
                print(f"      [{button['title']}]  (type: {button['payload']})")


if __name__ == "__main__":
    sys.exit(main())
