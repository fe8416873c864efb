"""Proposals from the traffic (pure), and writing an accepted one into data/nlu."""

from __future__ import annotations

import argparse
import json
import shutil

import pytest
import yaml

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report import training_cli
from partnerdesk.report.gaps import UserTurn
from partnerdesk.report.nlu_files import (
    NluFileError,
    add_example,
    known_texts,
    strings_in,
    target_file,
)
from partnerdesk.report.training import proposal_id, proposals


def turn(sender, text, at, faq=None, confidence=None, intent="faq", replies=(), lang="en", **ent):
    replies = list(replies) + ([f"utter_faq/{faq}"] if faq else [])
    return UserTurn(sender, text, float(at), lang, intent, confidence, dict(ent), replies)


def click(sender, helpful, faq, at):
    payload = "/feedback" + json.dumps({"helpful": helpful, "feedback_faq": faq})
    return turn(sender, payload, at, intent="feedback", helpful=helpful, feedback_faq=faq)


def test_thumbs_up_on_a_low_confidence_answer_in_both_languages():
    found = proposals(
        [
            turn("a", "licenses for partners", 0, "product_license_offers", 0.36),
            click("a", "yes", "product_license_offers", 5),
            turn("b", "라이선스 종류 궁금해요", 0, "product_license_offers", 0.31, lang="ko"),
            click("b", "yes", "product_license_offers", 4),
            turn("c", "licenses for partners", 100, "product_license_offers", 0.4),
            click("c", "yes", "product_license_offers", 104),
        ],
        known=set(),
        decided=set(),
    )
    assert [(p.text, p.faq_id, p.seen, p.evidence, p.language) for p in found] == [
        ("licenses for partners", "product_license_offers", 2, {"thumbs_up": 2}, "en"),
        ("라이선스 종류 궁금해요", "product_license_offers", 1, {"thumbs_up": 1}, "ko"),
    ]
    assert found[0].confidence == 0.36 and found[0].id == proposal_id(
        "product_license_offers", "Licenses for partners!"
    )


def test_a_did_you_mean_click_names_the_faq():
    [found] = proposals(
        [
            turn("a", "token", 0, intent="nlu_fallback", replies=["utter_did_you_mean"]),
            turn("a", "/faq/token_split", 3, "token_split", 1.0),
        ],
        set(),
        set(),
    )
    assert (found.text, found.faq_id, found.evidence) == (
        "token",
        "token_split",
        {"did_you_mean": 1},
    )


def test_a_quick_confident_rephrase_after_a_fallback():
    [found] = proposals(
        [
            turn("a", "split it?", 0, intent="nlu_fallback", replies=["utter_cannot_answer"]),
            turn("a", "can we split a token across subscriptions", 40, "token_split", 0.93),
        ],
        set(),
        set(),
    )
    assert (found.faq_id, found.evidence) == ("token_split", {"rephrase": 1})
    assert found.rephrasings == ["can we split a token across subscriptions"]


@pytest.mark.parametrize(
    "turns",
    [
        # 👎 on the answer vetoes it
        [turn("a", "licenses?", 0, "product_license_offers", 0.3),
         click("a", "yes", "product_license_offers", 2),
         click("a", "no", "product_license_offers", 3)],
        # a confident answer needs no help
        [turn("a", "licenses?", 0, "product_license_offers", 0.9),
         click("a", "yes", "product_license_offers", 2)],
        # no evidence at all
        [turn("a", "licenses?", 0, "product_license_offers", 0.3)],
        # the rephrase came too late to be one
        [turn("a", "split it?", 0, intent="nlu_fallback", replies=["utter_cannot_answer"]),
         turn("a", "can we split a token", 900, "token_split", 0.93)],
        # a low answer rephrased into another FAQ is no evidence for either
        [turn("a", "licenses?", 0, "product_license_offers", 0.3),
         turn("a", "can we split a token", 30, "token_split", 0.93)],
        # personal data: masking would change the text
        [turn("a", "licenses for kim@contoso.com", 0, "product_license_offers", 0.3),
         click("a", "yes", "product_license_offers", 2)],
        # Rasa's entity markup would be read as an annotation
        [turn("a", "licenses for [MAP](offer)", 0, "product_license_offers", 0.3),
         click("a", "yes", "product_license_offers", 2)],
    ],
)  # fmt: skip
def test_no_proposal(turns):
    assert proposals(turns, set(), set()) == []


def test_known_and_decided_texts_are_not_proposed_again():
    turns = [
        turn("a", "licenses for partners", 0, "product_license_offers", 0.36),
        click("a", "yes", "product_license_offers", 5),
    ]
    assert proposals(turns, {"licenses for partners"}, set()) == []
    assert (
        proposals(turns, set(), {proposal_id("product_license_offers", "licenses for partners")})
        == []
    )


@pytest.fixture
def data_dir(tmp_path):
    copy = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", copy)
    return copy


def test_an_example_goes_to_the_faqs_topic_file_or_the_long_one(data_dir):
    assert target_file(data_dir, "renew_action_pack", "renew it?").name == "faq_membership.yml"
    assert target_file(data_dir, "token_split", "split?").name == "faq_tokens_keys.yml"
    long = " ".join(["word"] * 30)
    assert target_file(data_dir, "token_split", long).name == "faq_long.yml"
    with pytest.raises(NluFileError, match="no file"):
        target_file(data_dir, "no_such_faq", "x")


def test_adding_an_example_changes_one_line_only(data_dir):
    before = (data_dir / "faq_tokens_keys.yml").read_text(encoding="utf-8")
    path = add_example(data_dir, "product_license_offers", "licenses  for\npartners: all? #1")
    after = path.read_text(encoding="utf-8")
    assert path.name == "faq_tokens_keys.yml"
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["    - licenses for partners: all? #1"]  # one line, spaces joined
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    blocks = yaml.safe_load(after)["nlu"]
    [block] = [b for b in blocks if b["intent"] == "faq/product_license_offers"]
    assert block["examples"].splitlines()[-1] == "- licenses for partners: all? #1"
    assert "licenses for partners all 1" in known_texts(data_dir)


def _args(tmp_path, data_dir, action="list", ids=(), db=None):
    return argparse.Namespace(
        action=action, ids=list(ids), db_url=db, endpoints="endpoints.yml", since=30.0,
        json=False, data_dir=data_dir, state=tmp_path / "state.json",
    )  # fmt: skip


def test_accept_and_reject_act_on_the_listed_proposals(tmp_path, data_dir, capsys):
    state = {
        "proposals": [
            {"id": "aaaa1111", "text": "licenses for partners", "language": "en",
             "faq_id": "product_license_offers", "confidence": 0.36,
             "evidence": {"thumbs_up": 1}, "seen": 1, "rephrasings": [], "last_seen": 1.0},
            {"id": "bbbb2222", "text": "what is the weather", "language": "en",
             "faq_id": "token_split", "confidence": 0.3, "evidence": {"rephrase": 1},
             "seen": 1, "rephrasings": [], "last_seen": 1.0},
        ],
        "decisions": {},
    }  # fmt: skip
    (tmp_path / "state.json").write_text(json.dumps(state))
    assert training_cli.run(_args(tmp_path, data_dir, "reject", ["bbbb2222"])) == 0
    assert training_cli.run(_args(tmp_path, data_dir, "accept", ["aaaa1111", "cccc3333"])) == 1
    out = capsys.readouterr()
    assert "aaaa1111: added to" in out.out and "faq_tokens_keys.yml" in out.out
    assert "cccc3333: not among the proposals listed last" in out.err
    saved = json.loads((tmp_path / "state.json").read_text())
    assert saved["proposals"] == []
    assert {k: v["decision"] for k, v in saved["decisions"].items()} == {
        "aaaa1111": "accept",
        "bbbb2222": "reject",
    }
    assert "licenses for partners" in known_texts(data_dir)
    assert "what is the weather" not in known_texts(data_dir)


def test_accept_refuses_a_held_out_line(tmp_path, data_dir, capsys):
    heldout = yaml.safe_load((PROJECT_ROOT / "tests/nlu/heldout.yml").read_text("utf-8"))
    line = next(s for s in strings_in(heldout) if len(s) > 10)
    proposal = {"id": "dddd4444", "text": line, "language": "en", "faq_id": "token_split",
                "confidence": 0.3, "evidence": {}, "seen": 1, "rephrasings": [],
                "last_seen": 1.0}  # fmt: skip
    state = {"proposals": [proposal], "decisions": {}}
    (tmp_path / "state.json").write_text(json.dumps(state))
    before = {p.name: p.read_text("utf-8") for p in data_dir.glob("*.yml")}
    assert training_cli.run(_args(tmp_path, data_dir, "accept", ["dddd4444"])) == 1
    assert "held-out line; not added" in capsys.readouterr().err
    assert before == {p.name: p.read_text("utf-8") for p in data_dir.glob("*.yml")}
