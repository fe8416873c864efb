"""Who the assist channel lets in: the token rules of the contracts."""

import pytest

from partnerdesk.channels.http import authorisation_error

TOKEN = {"PARTNERDESK_ASSIST_TOKEN": "s3cret"}


@pytest.mark.parametrize(
    ("header", "env", "allowed"),
    [
        ("Bearer s3cret", TOKEN, True),
        ("bearer s3cret", TOKEN, True),
        ("Bearer s3cret ", TOKEN, True),
        ("Bearer s3cre", TOKEN, False),
        ("Bearer s3cretX", TOKEN, False),
        ("s3cret", TOKEN, False),
        (None, TOKEN, False),
        ("Bearer s3cret", {**TOKEN, "PARTNERDESK_DEV": "1"}, True),
        (None, {**TOKEN, "PARTNERDESK_DEV": "1"}, False),  # a set token is always required
        (None, {}, False),  # unset: refused ...
        ("Bearer anything", {"PARTNERDESK_ASSIST_TOKEN": ""}, False),
        (None, {"PARTNERDESK_DEV": "0"}, False),
        (None, {"PARTNERDESK_DEV": "1"}, True),  # ... unless in local-development mode
        ("Bearer anything", {"PARTNERDESK_DEV": "1"}, True),
    ],
)
def test_authorisation(header, env, allowed):
    assert (authorisation_error(header, env) is None) is allowed


def test_unset_token_says_how_to_fix_it():
    assert "PARTNERDESK_ASSIST_TOKEN is not set" in authorisation_error("Bearer x", {})


def test_non_ascii_tokens_do_not_crash():
    assert authorisation_error("Bearer 토큰", TOKEN) == "The token is wrong."
