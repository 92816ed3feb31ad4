"""The buyer identity the web service signs and the action server verifies."""

from __future__ import annotations

import time

import pytest

from bot.identity import IdentityError, LIFETIME_S, buyer_from_metadata, sign_identity, verified_buyer

SECRET = "identity-test-secret-0123456789abcdef"


def test_a_signed_identity_names_its_buyer_until_it_expires():
    now = time.time()
    token = sign_identity(SECRET, "b-1", now=now)
    assert verified_buyer(SECRET, token, now=now) == "b-1"
    assert verified_buyer(SECRET, token, now=now + LIFETIME_S + 1) is None
    assert buyer_from_metadata(SECRET, {"identity": token}) == "b-1"


@pytest.mark.parametrize("token", [None, "", 5, "x.y.z", "a" * 5000, sign_identity("other-secret-0123456789abcdefghijkl", "b-1")],
                         ids=["none", "empty", "number", "not-a-jwt", "huge", "signed-by-another"])
def test_anything_else_names_nobody(token):
    assert verified_buyer(SECRET, token) is None


def test_a_bare_buyer_id_in_metadata_names_nobody():
    assert buyer_from_metadata(SECRET, {"buyer_id": "b-1"}) is None
    assert buyer_from_metadata(SECRET, "b-1") is None


def test_a_token_for_rasas_api_is_not_an_identity():
    from bot import rasa_auth

    assert verified_buyer(SECRET, rasa_auth.api_token(SECRET)) is None


def test_a_short_secret_is_refused():
    with pytest.raises(IdentityError):
        sign_identity("short", "b-1")
