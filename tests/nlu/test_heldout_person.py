"""Asking for a person, and asking whether PartnerDesk is one, on held-out lines.

Both held-out files count (``heldout_handoff.yml``, ``heldout_person.yml``). The two
intents must never be taken for each other: a partner who asks for a person and is told
"I'm a bot" is sent away, and one who asks "are you a bot?" is not asking for a handoff.
"""

from collections import defaultdict

import pytest

from partnerdesk.core.ranking import intent_name
from partnerdesk.tools.nlu_eval import load_cases

pytestmark = pytest.mark.slow

PERSON, BOT = "human_handoff", "bot_challenge"
# Share of held-out requests for a person recognised as such, per language.
MIN_RECALL = 0.9


@pytest.fixture(scope="module")
def predicted(parse):
    cases = [c for c in load_cases() if c.kind == "chitchat" and c.expected in (PERSON, BOT)]
    return [(case, intent_name(parse(case.text))) for case in cases]


def test_there_are_enough_heldout_lines(predicted):
    counts = defaultdict(int)
    for case, _ in predicted:
        counts[(case.expected, case.language)] += 1
    assert all(counts[(PERSON, lang)] >= 40 for lang in ("en", "ko")), counts
    assert all(counts[(BOT, lang)] >= 20 for lang in ("en", "ko")), counts


def test_a_request_for_a_person_is_never_taken_for_asking_if_this_is_a_bot(predicted):
    assert [c.text for c, intent in predicted if c.expected == PERSON and intent == BOT] == []


def test_asking_if_this_is_a_bot_is_never_taken_for_a_request_for_a_person(predicted):
    assert [c.text for c, intent in predicted if c.expected == BOT and intent == PERSON] == []


@pytest.mark.parametrize("language", ["en", "ko"])
def test_requests_for_a_person_are_recognised(predicted, language):
    mine = [
        (c, intent) for c, intent in predicted if c.expected == PERSON and c.language == language
    ]
    missed = [(c.text, intent) for c, intent in mine if intent != PERSON]
    assert 1 - len(missed) / len(mine) >= MIN_RECALL, missed
