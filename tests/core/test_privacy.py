"""Masking of e-mail addresses, product keys, ids and tokens, in text and in logs."""

import logging
import sys

import pytest

from partnerdesk.core.privacy import MaskingFilter, mask


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mail kim.lee+mpn@contoso.co.kr please", "mail [email] please"),
        ("메일 admin@fabrikam.onmicrosoft.com 입니다", "메일 [email] 입니다"),
        ("key ABCDE-12345-FGHIJ-67890-KLMNO is used", "key [product-key] is used"),
        ("key abcde-12345-fghij-67890-klmno", "key [product-key]"),
        (
            "테넌트 72f988bf-86f1-41af-91ab-2d7cd011db47에서 활성화했어요",
            "테넌트 [id]에서 활성화했어요",
        ),
        ("tenant {72F988BF-86F1-41AF-91AB-2D7CD011DB47}", "tenant {[id]}"),
        ("token xoxb-1234567890-0987654321-AbCdEfGhIjKl leaked", "token [token] leaked"),
        ("Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [token]"),
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0."
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "jwt [token]",
        ),
        ("secret sk_live_4eC39HqLyjWDarjtT1zdp7dc!", "secret [token]!"),
        (
            "digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "digest [token]",
        ),
        ("토큰a1b2c3d4e5f6a7b8c9d0e1f2은 뭐죠", "토큰[token]은 뭐죠"),
    ],
)
def test_secrets_are_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "When can we renew our Action Pack? We bought it on 2020-09-01 (9/1/2020).",
        "액션팩 갱신은 2020년 9월 1일 이후에 가능한가요? 2020. 9. 1.",
        "https://learn.microsoft.com/en-us/partner-center/mpn-benefits-faq#membership",
        "https://learn.microsoft.com/ko-kr/partner-center/renew-mpn-offers",
        "Windows-Server-2019-Datacenter and Visual Studio Enterprise 2019",
        "internationalization counterrevolutionary",
        "the bearer of good news",
        "MAP, IUR, LAP, 👍 🙂",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask(text) == text


def test_masking_is_idempotent():
    text = "a@b.com ABCDE-12345-FGHIJ-67890-KLMNO xoxp-1-2-abc"
    assert mask(mask(text)) == mask(text)


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("rasa.core", logging.INFO, __file__, 1, msg, args, exc_info)


def test_filter_masks_the_formatted_message_and_keeps_the_record():
    data = {"text": "key ABCDE-12345-FGHIJ-67890-KLMNO"}
    record = _record("user %s said %r", "kim@contoso.com", data)
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "user [email] said {'text': 'key [product-key]'}"


def test_filter_masks_tracebacks():
    try:
        raise ValueError("bad tenant 72f988bf-86f1-41af-91ab-2d7cd011db47")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info())
    MaskingFilter().filter(record)
    assert "[id]" in record.exc_text and "72f988bf" not in logging.Formatter().format(record)
