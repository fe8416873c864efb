"""How well the content-gap report groups questions that ask the same thing.

The labelled set ``unanswered_groups.yml`` holds questions PartnerDesk cannot answer, each
group one question reworded in English and in Korean. Every line is parsed by the trained
model, turned into a gap message as the report does, and grouped; pairwise precision (of
the pairs put in one group, how many are labelled one group) and recall (of the pairs
labelled one group, how many were put in one) are measured on the pairs within English,
within Korean, across the two languages, and on all pairs.

The set is split in two halves by group (every other group, sorted by name): the grouping's
synonyms and settings were chosen on the **tuning** half (:data:`TUNING`); the
**held-out** half measures it, and the figures that count are the held-out half's. The
whole set is measured too (the tuning half flatters it), and the held-out half together
with a second set written later (``unanswered_groups_extra.yml``, tuned on by nothing).

Print the figures: ``.venv/bin/pytest -q -s tests/report/test_grouping_quality.py``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import pytest
import yaml

from partnerdesk.report.gaps import GapMessage, gap_messages, user_turns
from partnerdesk.report.grouping import group_near_duplicates
from partnerdesk.report.nlu_files import strings_in

LABELLED = Path(__file__).with_name("unanswered_groups.yml")
# A second held-out set, written after the grouping was chosen: measured with the held-out
# half ("held-out+extra", the groups of both together), never tuned on.
EXTRA = Path(__file__).with_name("unanswered_groups_extra.yml")
# Four more sets, each written by someone who had seen neither the grouping nor its word lists
# nor its figures (the topics of FRESH were suggested to its writer, the others' were not),
# each measured on its own. FRESH and BLIND were then used to choose the general support
# synonyms (partnerdesk/report/support_synonyms.py); the six HELD_BACK sets, written after
# that (c-f after it was measured on a and b) and each opened once to measure it, were used to
# choose nothing (docs/benchmarks.md).
FRESH = Path(__file__).with_name("unanswered_groups_fresh.yml")
BLIND = Path(__file__).with_name("unanswered_groups_blind.yml")
HELD_BACK = {
    "held-back-a": Path(__file__).with_name("unanswered_groups_heldback_a.yml"),
    "held-back-b": Path(__file__).with_name("unanswered_groups_heldback_b.yml"),
    "held-back-c": Path(__file__).with_name("unanswered_groups_heldback_c.yml"),
    "held-back-d": Path(__file__).with_name("unanswered_groups_heldback_d.yml"),
    "held-back-e": Path(__file__).with_name("unanswered_groups_heldback_e.yml"),
    "held-back-f": Path(__file__).with_name("unanswered_groups_heldback_f.yml"),
}
SETS = (LABELLED, EXTRA, FRESH, BLIND, *HELD_BACK.values())
ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ko")
BLOCKS = ("en", "ko", "cross", "all")
# (precision, recall) at least, a little below what was measured (the grouping reads the
# text only, so a retrained model changes these only through the lines it lets through).
# Measured with the general support synonyms (2026-12-04); before them in brackets.
# Held-out half: en 1.00 0.86 (1.00 0.82), ko 1.00 0.80 (1.00 0.74), cross 1.00 0.72 (1.00
# 0.65), all 1.00 0.77 (1.00 0.71). Whole set: en 1.00 0.93 (1.00 0.92), ko 1.00 0.91 (1.00
# 0.88), cross 1.00 0.87 (1.00 0.83), all 1.00 0.89 (1.00 0.86). Held-out half with the
# second set: en 0.84 0.71 (0.88 0.64), ko 0.83 0.59 (0.86 0.57), cross 0.86 0.55 (0.88
# 0.41), all 0.85 0.60 (0.87 0.50). Fresh: en 0.89 0.62 (0.93 0.47), ko 0.92 0.68 (0.92
# 0.38), cross 0.92 0.62 (0.90 0.28), all 0.92 0.63 (0.91 0.34). Blind: en 0.98 0.63 (0.97
# 0.42), ko 1.00 0.73 (0.86 0.35), cross 1.00 0.72 (1.00 0.19), all 1.00 0.70 (0.95 0.28).
# Fresh and blind were used to choose the synonyms; the held-back sets were not:
# held-back-a: en 0.75 0.30 (0.81 0.32), ko 0.82 0.30 (0.82 0.30), cross 0.85 0.30 (0.72
# 0.12), all 0.82 0.30 (0.78 0.20); held-back-b: en 0.77 0.29 (0.80 0.38), ko 0.69 0.21
# (0.71 0.23), cross 0.80 0.23 (0.88 0.12), all 0.77 0.24 (0.79 0.20); held-back-c: en 0.55
# 0.22 (0.58 0.24), ko 0.78 0.28 (0.68 0.22), cross 0.79 0.25 (0.76 0.17), all 0.73 0.25 (0.68
# 0.19); held-back-d: en 0.87 0.50 (0.98 0.55), ko 0.98 0.39 (0.95 0.36), cross 0.93 0.33
# (1.00 0.26), all 0.92 0.38 (0.98 0.35); held-back-e: en 0.82 0.42 (0.56 0.24), ko 0.81 0.32
# (0.67 0.29), cross 0.96 0.22 (0.79 0.12), all 0.87 0.29 (0.67 0.19); held-back-f: en 1.00
# 0.44 (0.93 0.39), ko 0.78 0.35 (0.50 0.17), cross 0.92 0.38 (0.70 0.14), all 0.90 0.39 (0.72
# 0.20).
MINIMUM = {
    "held-out": {
        "en": (0.95, 0.80),
        "ko": (0.95, 0.74),
        "cross": (0.95, 0.66),
        "all": (0.95, 0.71),
    },
    "all": {"en": (0.95, 0.87), "ko": (0.95, 0.85), "cross": (0.95, 0.81), "all": (0.95, 0.83)},
    "held-out+extra": {
        "en": (0.79, 0.65),
        "ko": (0.78, 0.53),
        "cross": (0.80, 0.49),
        "all": (0.80, 0.54),
    },
    "fresh": {"en": (0.84, 0.56), "ko": (0.87, 0.62), "cross": (0.87, 0.56), "all": (0.87, 0.57)},
    "blind": {"en": (0.93, 0.57), "ko": (0.95, 0.67), "cross": (0.95, 0.66), "all": (0.95, 0.64)},
    "held-back-a": {
        "en": (0.70, 0.25),
        "ko": (0.77, 0.25),
        "cross": (0.80, 0.25),
        "all": (0.77, 0.25),
    },
    "held-back-b": {
        "en": (0.72, 0.24),
        "ko": (0.64, 0.16),
        "cross": (0.75, 0.18),
        "all": (0.72, 0.19),
    },
    "held-back-c": {
        "en": (0.50, 0.17),
        "ko": (0.73, 0.23),
        "cross": (0.74, 0.20),
        "all": (0.68, 0.20),
    },
    "held-back-d": {
        "en": (0.82, 0.45),
        "ko": (0.93, 0.34),
        "cross": (0.88, 0.28),
        "all": (0.87, 0.33),
    },
    "held-back-e": {
        "en": (0.77, 0.37),
        "ko": (0.76, 0.27),
        "cross": (0.91, 0.17),
        "all": (0.82, 0.24),
    },
    "held-back-f": {
        "en": (0.95, 0.39),
        "ko": (0.73, 0.30),
        "cross": (0.87, 0.33),
        "all": (0.85, 0.34),
    },
}
# Korean's recall on the held-out half at most this far below English's (measured: 0.06).
KOREAN_RECALL_GAP = 0.1


@dataclass(frozen=True)
class Question:
    """One labelled line: its text, language and group."""

    text: str
    language: str
    group: str


def labelled(path: Path = LABELLED) -> Dict[str, Dict[str, List[str]]]:
    """The set as written: group id -> language -> lines."""
    groups: Dict[str, Dict[str, List[str]]] = yaml.safe_load(path.read_text("utf-8"))["groups"]
    return groups


def halves() -> Dict[str, List[str]]:
    """The groups of the tuning half and of the held-out half (every other group by name)."""
    names = sorted(labelled())
    extra = sorted(labelled(EXTRA))
    return {
        "tuning": names[0::2],
        "held-out": names[1::2],
        "all": names,
        "held-out+extra": names[1::2] + extra,
        "fresh": sorted(labelled(FRESH)),
        "blind": sorted(labelled(BLIND)),
        **{name: sorted(labelled(path)) for name, path in HELD_BACK.items()},
    }


TUNING = (
    "action_pack_price",
    "action_pack_transfer",
    "co_sell",
    "exam_discount",
    "marketplace_listing",
    "payment_failed",
    "tax_invoice",
)


def questions(seed: int = 0, groups: Sequence[str] = ()) -> List[Question]:
    """Every line of the sets (of ``groups``, if given), shuffled with ``seed``: they arrive
    interleaved."""
    lines = [
        Question(text, language, group)
        for path in SETS
        for group, by_language in labelled(path).items()
        if not groups or group in groups
        for language in LANGUAGES
        for text in by_language[language]
    ]
    random.Random(seed).shuffle(lines)
    return lines


def as_gaps(
    lines: Sequence[Question], parse: Callable[[str], Dict[str, Any]]
) -> Tuple[List[GapMessage], int]:
    """Gap messages built as the report builds them, one conversation per line.

    The threshold 1.0 keeps every line the FAQ selector answered, however confidently: the
    set is about grouping, and a retrained model must not change which lines are measured.
    A message's timestamp is its line's index in ``lines``.

    Returns:
        The messages, and how many of them are gaps at the report's own threshold.
    """
    events = [
        (
            f"partner-{i}",
            {"event": "user", "text": q.text, "timestamp": float(i), "parse_data": parse(q.text)},
        )
        for i, q in enumerate(lines)
    ]
    turns = user_turns(events)
    return gap_messages(turns, threshold=1.0), len(gap_messages(turns))


def pair_counts(lines: Sequence[Question], groups: Sequence[int]) -> Dict[str, List[int]]:
    """Per block of pairs (en, ko, cross, all): pairs put together and labelled together, put
    together, labelled together.

    Args:
        lines: The labelled questions.
        groups: The group number given to each line.
    """
    counts = {block: [0, 0, 0] for block in BLOCKS}
    for a, b in combinations(range(len(lines)), 2):
        first, second = lines[a].language, lines[b].language
        block = first if first == second else "cross"
        together, same = groups[a] == groups[b], lines[a].group == lines[b].group
        for name in (block, "all"):
            counts[name][0] += together and same
            counts[name][1] += together
            counts[name][2] += same
    return counts


def scores_of(counts: Dict[str, List[int]]) -> Dict[str, Tuple[float, float]]:
    """(precision, recall) per block, from :func:`pair_counts` (or their sums over sets)."""
    return {
        block: (hits / together if together else 1.0, hits / same if same else 1.0)
        for block, (hits, together, same) in counts.items()
    }


def pairwise(lines: Sequence[Question], groups: Sequence[int]) -> Dict[str, Tuple[float, float]]:
    """Pairwise (precision, recall) per block of pairs: en, ko, cross and all."""
    return scores_of(pair_counts(lines, groups))


def grouped(gaps: Sequence[GapMessage]) -> Dict[int, int]:
    """Line index (a message's timestamp) -> the number of its group."""
    return {
        int(m.timestamp): i for i, g in enumerate(group_near_duplicates(gaps)) for m in g.messages
    }


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _known_lines() -> set:
    """Every training example in data/nlu and every line of the held-out sets, normalised."""
    known = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            known |= {
                _normalise(line.strip()[2:])
                for line in block.get("examples", "").splitlines()
                if line.strip().startswith("- ")
            }
    for path in (ROOT / "tests" / "nlu").glob("heldout*.yml"):
        known |= {_normalise(s) for s in strings_in(yaml.safe_load(path.read_text("utf-8")))}
    return known


def test_the_set_mixes_both_languages_in_every_group():
    groups = labelled()
    assert 12 <= len(groups) <= 15 and len(labelled(EXTRA)) >= 4
    later = [labelled(path) for path in SETS[1:]]
    assert all(len(found) >= 4 for found in later)
    names = [name for found in [groups, *later] for name in found]
    assert len(names) == len(set(names)), "a group id is used twice"
    for group, by_language in {
        k: v for found in [groups, *later] for k, v in found.items()
    }.items():
        for language in LANGUAGES:
            assert 4 <= len(by_language[language]) <= 8, (group, language)
    texts = [q.text for q in questions()]
    assert len(set(map(_normalise, texts))) == len(texts), "a line is repeated"


def test_no_line_is_a_training_or_heldout_example():
    known = _known_lines()
    assert [q.text for q in questions() if _normalise(q.text) in known] == []


def test_the_measure_on_a_small_case():
    lines = [
        Question("a", "en", "x"),
        Question("b", "en", "x"),
        Question("c", "ko", "x"),
        Question("d", "ko", "y"),
    ]
    scores = pairwise(lines, [0, 0, 1, 1])
    assert scores["en"] == (1.0, 1.0)
    assert scores["ko"] == (0.0, 1.0)  # c and d put together, labelled apart; no ko pair labelled
    assert scores["cross"] == (1.0, 0.0)  # no cross pair put together; a-c, b-c labelled
    assert scores["all"] == (0.5, 1 / 3)


def test_the_halves_are_as_tuned():
    assert tuple(halves()["tuning"]) == TUNING
    assert not set(halves()["tuning"]) & set(halves()["held-out"])


def measure(half: str, parse: Callable[[str], Dict[str, Any]]) -> Dict[str, List[int]]:
    """The pair counts of one half or set, grouped as the report groups (printed)."""
    lines = questions(groups=halves()[half])
    gaps, real_gaps = as_gaps(lines, parse)
    assert len(gaps) >= 0.95 * len(lines), "the model sends many lines to other intents"
    group_of = grouped(gaps)
    measured = [lines[i] for i in sorted(group_of)]
    counts = pair_counts(measured, [group_of[i] for i in sorted(group_of)])
    print(
        f"\n{half}: {len(measured)} of {len(lines)} questions grouped ({real_gaps} are gaps at "
        f"the report's threshold), {len(halves()[half])} labelled groups"
    )
    for block, (precision, recall) in scores_of(counts).items():
        print(f"  {block:5}  precision {precision:.2f}  recall {recall:.2f}")
    return counts


@pytest.mark.slow
@pytest.mark.parametrize(
    "half", ["held-out", "all", "held-out+extra", "fresh", "blind", *HELD_BACK]
)
def test_grouping_quality_per_language(parse, half):
    scores = scores_of(measure(half, parse))
    for block, (precision, recall) in MINIMUM[half].items():
        assert scores[block][0] >= precision, (block, scores[block])
        assert scores[block][1] >= recall, (block, scores[block])
    if half == "held-out":  # Korean near English on the half the grouping was tuned beside
        assert scores["ko"][0] >= 0.95 and scores["ko"][1] >= scores["en"][1] - KOREAN_RECALL_GAP


@pytest.mark.slow
def test_korean_groups_at_the_level_of_english_on_questions_nobody_tuned_on(parse):
    """The issue's "Korean at the level of English", on the six held-back sets, their pairs
    pooled (measured: en 0.80 / 0.36, ko 0.81 / 0.31; before the general support synonyms
    en 0.79 / 0.35, ko 0.72 / 0.26)."""
    pooled = {block: [0, 0, 0] for block in BLOCKS}
    for half in HELD_BACK:
        for block, counts in measure(half, parse).items():
            pooled[block] = [total + count for total, count in zip(pooled[block], counts)]
    scores = scores_of(pooled)
    print("\nheld-back sets pooled:")
    for block, (precision, recall) in scores.items():
        print(f"  {block:5}  precision {precision:.2f}  recall {recall:.2f}")
    (en_precision, en_recall), (ko_precision, ko_recall) = scores["en"], scores["ko"]
    assert ko_precision >= en_precision - 0.02 and ko_recall >= en_recall - 0.06
