"""End-to-end test stories: every FAQ in both languages, chit-chat and fallback."""

from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.core.paths import DOMAIN_PATH, PROJECT_ROOT
from tests.e2e.story_runner import play_story, read_stories

STORY_DIR = PROJECT_ROOT / "tests" / "stories"
DOMAIN = Domain.load(str(DOMAIN_PATH))
STORIES = [
    story for path in sorted(STORY_DIR.glob("*.yml")) for story in read_stories(path, DOMAIN)
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def story_agent(model_path: Path, action_server_url: str) -> Agent:
    return Agent.load(str(model_path), action_endpoint=EndpointConfig(action_server_url))


def test_there_is_a_story_per_faq_and_language():
    names = {story.name for story in STORIES}
    faq_ids = [
        line.split("\t")[0]
        for line in (PROJECT_ROOT.parent / "shared" / "faq-catalog.tsv")
        .read_text()
        .splitlines()[1:]
    ]
    missing = [
        f"{i} ({lang})" for i in faq_ids for lang in ("en", "ko") if f"{i} ({lang})" not in names
    ]
    assert not missing


@pytest.mark.parametrize("story", STORIES, ids=[s.name for s in STORIES])
def test_story(story_agent, story):
    assert play_story(story_agent, story) == []
