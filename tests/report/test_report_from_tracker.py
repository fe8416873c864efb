"""``partnerdesk gaps`` on a SQLite tracker store filled through real conversations."""

import argparse
import csv
import os
import subprocess
import time

import pytest

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report.cli import run
from tests.report.conftest import FALLBACKS, VAGUE

pytestmark = [pytest.mark.slow, pytest.mark.server]
CLI = str(PROJECT_ROOT / ".venv" / "bin" / "partnerdesk")


def gaps_cli(*args, cwd=PROJECT_ROOT):
    return subprocess.run(
        [CLI, "gaps", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def report(filled_store, tmp_path_factory):
    """The CLI's table and CSV files for the filled store, found through its endpoints file."""
    out = tmp_path_factory.mktemp("report-out")
    result = gaps_cli(
        "--endpoints",
        str(filled_store.endpoints),
        "--csv",
        str(out / "gaps.csv"),
        "--ratings-csv",
        str(out / "ratings.csv"),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, read_csv(out / "gaps.csv"), read_csv(out / "ratings.csv")


def low_confidence_answers(filled_store):
    """The stored questions that got an FAQ answer below 0.5 confidence, by language."""
    found = {}
    for event in filled_store.user_events():
        data = event["parse_data"]
        confidence = (
            data.get("response_selector", {}).get("faq", {}).get("response", {}).get("confidence")
        )
        if (
            data["intent"]["name"] == "faq"
            and not event["text"].startswith("/")
            and (confidence < 0.5)
        ):
            korean = any("\uac00" <= c <= "\ud7a3" for c in event["text"])
            found[event["text"]] = "ko" if korean else "en"
    return found


def row_with(rows, text):
    [row] = [r for r in rows if text == r["question"] or text in r["other_wordings"].split(" | ")]
    return row


def test_fallbacks_are_grouped_with_their_rewordings_in_both_languages(report):
    _, rows, _ = report
    cost = row_with(rows, "how much does the action pack cost?")
    # "액션팩" is the Action Pack and "가격"/"얼마" a price: one question in two languages
    assert (cost["count"], cost["en"], cost["ko"], cost["fallback"]) == ("5", "3", "2", "5")
    # each wording was asked once: any of them may stand for the group
    wordings = [cost["question"], *cost["other_wordings"].split(" | ")]
    assert sorted(wordings) == sorted([*FALLBACKS["en"][:3], *FALLBACKS["ko"][:2]])
    weather_ko = row_with(rows, "오늘 서울 날씨 어때요?")
    assert (weather_ko["count"], weather_ko["ko"], weather_ko["fallback"]) == ("2", "2", "2")
    weather = row_with(rows, "what's the weather in seoul today?")  # no glossary for weather
    assert (weather["count"], weather["en"]) == ("1", "1")


def test_messages_are_masked(report, filled_store):
    table, rows, _ = report
    assert row_with(rows, "please send the invoice to [email]")["fallback"] == "1"
    assert "please send the invoice to [email]" in table
    assert "kim.lee" not in table + str(rows)
    assert "kim.lee@contoso.com" in str(filled_store.trackers)  # the store itself keeps it


def test_low_confidence_answers_are_listed_and_counted_by_language(report, filled_store):
    table, rows, _ = report
    low = low_confidence_answers(filled_store)
    assert low, "no vague question got a low-confidence answer: choose vaguer ones in VAGUE"
    assert set(low) <= set(VAGUE)
    for text in low:
        assert row_with(rows, text)["low_confidence"] == "1"
    by_language = {
        lang: len(FALLBACKS[lang]) + sum(1 for value in low.values() if value == lang)
        for lang in ("en", "ko")
    }
    assert {lang: sum(int(r[lang]) for r in rows) for lang in ("en", "ko")} == by_language
    assert f"en {by_language['en']}" in table and f"ko {by_language['ko']}" in table
    assert sum(int(r["count"]) for r in rows) == sum(by_language.values())
    answered = [text for text in VAGUE if text not in low]
    assert not any(text in table for text in answered)  # confident answers are no gaps


def test_helpful_rate_per_faq(report):
    table, _, ratings = report
    by_id = {r["faq_id"]: r for r in ratings}
    columns = ("answers", "helpful", "not_helpful", "helpful_rate")
    assert [by_id["renew_action_pack"][k] for k in columns] == ["2", "2", "0", "1.000"]
    assert [by_id["share_vs_subscriptions"][k] for k in columns] == ["1", "0", "1", "0.000"]
    assert [by_id["token_split"][k] for k in ("helpful", "not_helpful", "helpful_rate")] == [
        "1",
        "1",
        "0.500",
    ]
    assert ratings[0]["faq_id"] == "share_vs_subscriptions"  # least helpful first
    unrated = [
        r
        for r in ratings
        if r["faq_id"] not in ("renew_action_pack", "share_vs_subscriptions", "token_split")
    ]
    assert unrated and all(r["helpful_rate"] == "" and r["answers"] != "0" for r in unrated)
    assert "token_split" in table and "50%" in table and "100%" in table


def test_db_url_reads_the_same_store(report, filled_store):
    result = gaps_cli("--db-url", f"sqlite:///{filled_store.db}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == report[0]


def test_since_leaves_out_older_conversations(filled_store, capsys):
    args = argparse.Namespace(
        endpoints=str(filled_store.endpoints),
        db_url=None,
        since=1.0,
        csv=None,
        ratings_csv=None,
        threshold=0.5,
        similarity=0.5,
    )
    assert run(args, now=time.time() + 3 * 86_400) == 0
    assert "0 of 0 questions" in capsys.readouterr().out
    assert run(args) == 0
    assert "0 of 0 questions" not in capsys.readouterr().out
