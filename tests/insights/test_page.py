"""The Insights page (``/agent/insights``) in headless Chromium: the endpoint's numbers, shown."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Iterator

import pytest
import requests
from playwright.sync_api import expect

from partnerdesk.core.outcomes import OUTCOMES
from tests.insights.conftest import TOKEN
from tests.insights.playbook import EXPECTED, EXPECTED_AT_ONCE, EXPECTED_BY_LANGUAGE
from tests.web.conftest import ARTIFACTS, RecordingTab, is_off_machine

pytestmark = [pytest.mark.slow, pytest.mark.server]


class InsightsTab(RecordingTab):
    """A tab on the Insights page."""

    def open(self, url: str, token: str = TOKEN) -> None:
        """Load the page with the token in the tab's storage; wait for the numbers."""
        self.page.goto(url)
        self.page.locator("#token").fill(token)
        self.page.locator("#show").click()
        self.settle()

    def settle(self) -> None:
        """Wait until the last request is answered (numbers and groups, or an error)."""
        self.page.locator('main[aria-busy="false"]').wait_for()
        self.page.locator("#result:not([hidden]), #error:not([hidden])").wait_for()

    def number(self, selector: str) -> int:
        return int(self.page.locator(selector).inner_text().replace(",", ""))

    def counts(self) -> dict:
        return {name: self.number(f"#count-{name}") for name in OUTCOMES}


@pytest.fixture
def tab(browser, insights_stack) -> Iterator[InsightsTab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(60_000)
    yield InsightsTab(context.new_page())
    context.close()


def url(insights_stack) -> str:
    return f"{insights_stack.page_origin}/agent/insights"


def assert_clean(tab: InsightsTab) -> None:
    assert not [u for u in tab.requests if is_off_machine(u)]
    assert not tab.errors and not tab.dialogs


def test_the_page_is_served_with_a_strict_policy_and_chart_js_from_here(insights_stack):
    reply = requests.get(url(insights_stack), timeout=10)
    assert reply.ok and reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script src="/vendor/chart.umd.min.js">' in reply.text
    policy = reply.headers["Content-Security-Policy"]
    assert (
        "script-src 'self';" in policy and f"connect-src 'self' {insights_stack.rasa_url}" in policy
    )
    chart = requests.get(f"{insights_stack.page_origin}/vendor/chart.umd.min.js", timeout=10)
    assert chart.ok and "Chart" in chart.text[:2000] and "sourceMappingURL" not in chart.text


def test_the_page_shows_the_endpoints_numbers(insights_stack, played, tab):
    tab.open(url(insights_stack))
    answer = insights_stack.insights().json()
    assert answer["conversations"] == EXPECTED
    assert tab.counts() == EXPECTED
    assert tab.number("#count-total") == sum(EXPECTED.values())
    page = tab.page
    assert page.locator("#deflection").inner_text() == f"{answer['deflection_rate'] * 100:.1f}%"
    assert page.locator("#csat").inner_text() == "50.0%"
    assert page.locator("#csat-votes").inner_text() == "👍 share of 2 ratings"
    assert page.locator("#handoffs-count").inner_text() == "2"
    assert page.locator("#median-reply").inner_text() == "2 min"
    for language, expected in EXPECTED_BY_LANGUAGE.items():
        row = page.locator(f'#by-language tr[data-key="{language}"]')
        shown = {o: int(row.locator(f'td[data-outcome="{o}"]').inner_text()) for o in OUTCOMES}
        assert shown == expected
    rest = page.locator('#by-channel tr[data-key="rest"]')
    assert int(rest.locator('td[data-outcome="resolved"]').inner_text()) == EXPECTED["resolved"]
    faqs = page.locator("#faq-table tbody tr")
    assert [faqs.nth(i).get_attribute("data-faq") for i in range(faqs.count())] == [
        e["faq_id"] for e in answer["by_faq"]
    ]
    assert faqs.nth(0).locator("td").last.inner_text() == "0.0%"  # least helpful first
    days = page.locator("#days-table tbody tr")
    assert days.count() == len(answer["days"]) == 30
    assert page.evaluate("Object.keys(Chart.instances).length") == 1
    shown = page.evaluate(
        "Object.values(Chart.instances)[0].data.datasets"
        ".map(set => set.data.reduce((a, b) => a + b, 0))"
    )
    assert shown == [EXPECTED[o] for o in OUTCOMES]
    expect(page.locator("#groups li")).to_have_count(2)
    assert "2 unanswered questions in 2 groups" in page.locator("#groups-text").inner_text()
    assert "오늘 서울 날씨 어때요?" in page.locator("#groups").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights-page.png"), full_page=True)
    assert page.evaluate("sessionStorage.getItem('partnerdesk.assistToken')") == TOKEN
    assert_clean(tab)


def test_idle_minutes_and_a_period_without_data(insights_stack, played, tab):
    tab.open(url(insights_stack))
    page = tab.page
    page.locator("#idle").fill("0")
    page.locator("#show").click()
    tab.settle()
    expect(page.locator("#count-abandoned")).to_have_text(str(EXPECTED_AT_ONCE["abandoned"]))
    assert tab.counts() == EXPECTED_AT_ONCE
    page.locator("#from").fill("2020-01-01")
    page.locator("#to").fill("2020-01-31")
    page.locator("#show").click()
    tab.settle()
    expect(page.locator("#count-total")).to_have_text("0")
    assert page.locator("#deflection").inner_text() == "–"
    assert page.locator("#csat").inner_text() == "–"
    assert page.locator("#median-reply").inner_text() == "– (no reply yet)"
    assert page.locator("#faq-empty").is_visible()
    assert page.locator("#days-table tbody tr").count() == 31
    expect(page.locator("#groups-text")).to_have_text("Every question was answered.")
    page.locator(".presets button[data-days='7']").click()
    tab.settle()
    expect(page.locator("#days-table tbody tr")).to_have_count(7)
    assert_clean(tab)


def test_wrong_periods_and_tokens_get_readable_messages(insights_stack, played, tab):
    tab.open(url(insights_stack))
    page = tab.page
    page.locator("#from").fill("2021-09-01")
    page.locator("#to").fill("2021-08-01")
    page.locator("#show").click()
    expect(page.locator("#error")).to_have_text("The first day must not be after the last day.")
    page.locator("#from").fill("1990-01-01")
    page.locator("#show").click()
    tab.settle()
    expect(page.locator("#error")).to_contain_text("The server did not accept the period")
    assert "at most 3660 days" in page.locator("#error").inner_text()
    page.locator("#token").fill("wrong")
    page.locator(".presets button[data-days='30']").click()
    tab.settle()
    expect(page.locator("#error")).to_contain_text("The server refused the access token")
    assert page.locator("#result").is_hidden()
    page.route(f"{insights_stack.rasa_url}/**", lambda route: route.abort("connectionrefused"))
    page.locator("#show").click()
    expect(page.locator("#error")).to_contain_text("Could not reach the server")
    assert not tab.dialogs


def test_the_export_downloads_every_conversation(insights_stack, played, tab):
    tab.open(url(insights_stack))
    with tab.page.expect_download() as download:
        tab.page.locator("#export-csv").click()
    assert re.fullmatch(r"partnerdesk-conversations-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv",
                        download.value.suggested_filename)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(rows) == sum(EXPECTED.values())
    assert_clean(tab)


def test_the_page_prints_without_its_controls(insights_stack, played, tab):
    tab.open(url(insights_stack))
    page = tab.page
    page.emulate_media(media="print")
    assert page.locator("#period").is_hidden() and page.locator(".exports").is_hidden()
    assert page.locator("#days-chart").is_visible() and page.locator("#faq-table").is_visible()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
    (ARTIFACTS / "insights-page.pdf").write_bytes(pdf)


def test_markup_from_the_server_shows_as_text(insights_stack, played, tab):
    attack = '<img src=x onerror="alert(1)">'
    real = insights_stack.insights().json()
    real["by_faq"] = [{"faq_id": attack, "answers": 1, "helpful": 1, "not_helpful": 0}]
    real["by_language"][attack] = real["by_language"]["en"]
    group = {"question": attack, "count": 1, "languages": {attack: 1}, "wordings": [attack]}
    groups = {"questions": 1, "grouped": 1, "groups": [group]}
    allow = {"Access-Control-Allow-Origin": insights_stack.page_origin}

    def fulfil(route):
        body = groups if "/unanswered" in route.request.url else real
        route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body), headers=allow
        )

    tab.page.route(f"{insights_stack.rasa_url}/**", fulfil)
    tab.open(url(insights_stack))
    page = tab.page
    expect(page.locator("#groups .question")).to_have_text(attack)
    assert page.locator("#faq-table tbody th").inner_text() == attack
    assert page.locator("main img").count() == 0
    assert_clean(tab)
