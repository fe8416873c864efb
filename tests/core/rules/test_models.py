import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import partnerdesk.core.rules as rules
from partnerdesk.core.rules import (
    POLICY_VERSION,
    DateName,
    FaqId,
    Offer,
    RenewalResult,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)

TODAY = date(2021, 9, 10)
RESULTS = [
    renewal_window(date(2020, 9, 1), TODAY, Offer.action_pack),
    reactivation(date(2021, 9, 1), TODAY),
    covid_extension(date(2020, 9, 1), Offer.competency),
    replacement_token(date(2021, 9, 1), TODAY, "wrong_tenant", False),
]


def test_public_dict_is_json_ready_with_iso_dates():
    public = RESULTS[0].to_public_dict()
    assert json.loads(json.dumps(public)) == public
    assert public == {
        "rule": "renewal_window",
        "status": "open",
        "dates": {
            "purchase": "2020-09-01",
            "anniversary": "2021-09-01",
            "window_opens": "2021-09-02",
            "window_closes": "2021-10-01",
        },
        "days_until": None,
        "days_left": 22,
        "faq_id": "renew_action_pack",
        "policy_version": "MPN benefits FAQ, 10 Dec 2020",
        "explanation_key": "renewal_window.open",
    }


@pytest.mark.parametrize("result", RESULTS, ids=lambda result: result.rule.value)
def test_every_result_names_rule_faq_and_policy(result):
    public = result.to_public_dict()
    assert public["policy_version"] == POLICY_VERSION
    assert public["faq_id"] in {faq.value for faq in FaqId}
    assert public["explanation_key"] == f"{public['rule']}.{public['status']}"
    assert set(public["dates"]) <= {name.value for name in DateName}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in public["dates"].values())


def test_results_are_immutable():
    with pytest.raises(TypeError):
        RESULTS[0].status = "missed"


def test_result_rule_is_fixed_per_class():
    with pytest.raises(ValueError):
        RenewalResult(
            rule="covid_extension",
            status="open",
            dates={},
            faq_id="renew_competency",
            offer="competency",
        )


def test_package_imports_no_rasa():
    code = (
        "import sys, partnerdesk.core.rules, partnerdesk.core.dates.writing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rasa', 'rasa_sdk'}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_package_source_has_no_rasa_import():
    for path in Path(rules.__file__).parent.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+rasa", path.read_text(), re.MULTILINE), path
