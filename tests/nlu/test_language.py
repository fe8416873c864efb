import pytest
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.core.language import detect_language, locale_language
from partnerdesk.nlu.language import LanguageDetector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("When can we renew our Action Pack?", "en"),
        ("액션팩 갱신은 언제 하나요?", "ko"),
        ("MAP 갱신 언제 돼요", "ko"),
        ("Visual Studio Enterprise 포함돼요?", "ko"),
        ("does the 액션팩 include VS enterprise", "en"),
        ("how many IUR licenses do we have", "en"),
        ("ㅎㅇ", "ko"),
        ("hi", "en"),
        ("<script>alert(1)</script> 안녕하세요 반갑습니다", "ko"),
    ],
)
def test_detects_language_of_text(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "2020-09-01", "9/1/2020", "👍🙏", "MAP", "IUR?", "/faq/token_split"]
)
def test_text_without_telling_letters_is_undecided(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"locale": "ko-KR"}, "ko"),
        ({"language": "en"}, "en"),
        ({"lang": "fr"}, None),
        (None, None),
        ({}, None),
    ],
)
def test_locale_from_channel_metadata(metadata, expected):
    assert locale_language(metadata) == expected


def _process(text, metadata=None):
    message = Message(data={"text": text, "metadata": metadata})
    LanguageDetector().process([message])
    return message.get("entities") or []


def test_component_emits_language_entity_spanning_the_message():
    text = "액션팩 갱신"
    [entity] = _process(text)
    assert entity["entity"] == "language"
    assert entity["value"] == "ko"
    assert (entity["start"], entity["end"]) == (0, len(text))
    assert entity["extractor"] == "LanguageDetector"


def test_component_uses_metadata_locale_only_when_text_is_undecided():
    assert _process("2020-09-01", {"locale": "ko-KR"})[0]["value"] == "ko"
    assert _process("renew my MAP please", {"locale": "ko-KR"})[0]["value"] == "en"


def test_component_emits_nothing_for_undecided_text():
    assert _process("👍") == []
