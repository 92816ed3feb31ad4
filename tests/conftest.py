"""Fixtures shared by the whole suite: the shop's data and editable copies of it. Each folder's conftest.py adds
its own (tests/assistant/ overrides ``shop`` with the running stack's copy of the shop data)."""
import shutil
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml

from bot.shop import Shop, load_shop
from bot.shop.data_files import DEFAULT_SHOP_DIR


@pytest.fixture(scope="session")
def shop() -> Shop:
    """The repository's own shop data (data/shop)."""
    return load_shop()


class ShopCopy:
    """A copy of data/shop in a temporary directory, edited by tests and loaded again."""

    def __init__(self, directory: Path):
        self.dir = directory

    def path(self, name: str) -> Path:
        return self.dir / name

    def edit_yaml(self, name: str, change: Callable[[Dict[str, Any]], None]) -> None:
        """Parse a file, let ``change`` mutate the data, write it back (comments are lost)."""
        path = self.path(name)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def replace_text(self, name: str, old: str, new: str) -> None:
        """Edit a file as an owner would in a text editor; the text must occur exactly once."""
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def load(self) -> Shop:
        return load_shop(self.dir)


@pytest.fixture
def shop_copy(tmp_path: Path) -> ShopCopy:
    """An editable copy of the shop's data files."""
    target = tmp_path / "shop"
    shutil.copytree(DEFAULT_SHOP_DIR, target)
    return ShopCopy(target)
