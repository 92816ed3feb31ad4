"""Fixtures shared by the whole suite; each folder's conftest.py adds its own (tests/assistant/ overrides
``shop`` with the running stack's copy of the shop data)."""
import pytest

from bot.shop import Shop, load_shop


@pytest.fixture(scope="session")
def shop() -> Shop:
    """The repository's own shop data (data/shop)."""
    return load_shop()
