"""Validates the shop's data files before the assistant starts; prints what is wrong and where."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.shop import ShopDataError, load_shop  # noqa: E402
from bot.shop.conversation import load_conversation  # noqa: E402
from bot.workbench.wording import load_workbench  # noqa: E402


def main() -> int:
    try:
        shop = load_shop()
        load_conversation()
        load_workbench()
    except ShopDataError as error:
        print("ERROR: the shop's data files have problems; fix them and run again:", file=sys.stderr)
        print(error, file=sys.stderr)
        return 1
    print(f"==> Shop data OK: {shop.policy.shop.name}, {len(shop.catalogue.products)} products")
    return 0


if __name__ == "__main__":
    sys.exit(main())
