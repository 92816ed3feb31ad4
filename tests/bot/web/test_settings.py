"""The web service refuses to start without its credentials, and says which one is missing."""

from __future__ import annotations

import pytest

from bot.web.settings import settings_from_env
from tests.bot.web.conftest import SERVICE_ENV


@pytest.mark.parametrize("missing", ["XIAODIAN_RASA_JWT_SECRET", "XIAODIAN_IDENTITY_SECRET"])
def test_a_missing_secret_stops_the_service_naming_it(missing):
    env = {k: v for k, v in SERVICE_ENV.items() if k != missing}
    with pytest.raises(ValueError, match=missing):
        settings_from_env(env)


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="XIAODIAN_IDENTITY_SECRET"):
        settings_from_env({**SERVICE_ENV, "XIAODIAN_IDENTITY_SECRET": "short"})


def test_a_tls_proxy_makes_cookies_secure_and_a_bad_public_url_is_named():
    assert settings_from_env({**SERVICE_ENV, "XIAODIAN_PUBLIC_URL": "https://shop.example.com/"}).secure_cookies
    assert not settings_from_env(SERVICE_ENV).secure_cookies
    with pytest.raises(ValueError, match="XIAODIAN_PUBLIC_URL"):
        settings_from_env({**SERVICE_ENV, "XIAODIAN_PUBLIC_URL": "shop.example.com"})
