"""Korean copy in one voice: 합니다체 and the glossary's terms (data/knowledge/glossary.yml).

Every Korean response in domain.yml (texts and button titles) and every Korean FAQ text
(title, question, answer) is checked; FAQ texts are corrected in reviewed.yml.
"""

import pytest
import yaml

from partnerdesk.core.knowledge import load_knowledge
from partnerdesk.core.korean_style import load_glossary
from partnerdesk.core.paths import DOMAIN_PATH

GLOSSARY = load_glossary()


def _korean_responses():
    responses = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))["responses"]
    for name, variations in responses.items():
        for variation in variations:
            conditions = variation.get("condition") or []
            if any(c.get("name") == "language" and c.get("value") == "ko" for c in conditions):
                titles = [b["title"] for b in variation.get("buttons") or []]
                yield pytest.param("\n".join([variation["text"], *titles]), id=name)


def _korean_faq_texts():
    for faq in load_knowledge().faqs:
        for field in ("title", "question", "answer"):
            yield pytest.param(getattr(faq, field).ko, id=f"{faq.id}.{field}")


@pytest.mark.parametrize("text", list(_korean_responses()))
def test_every_korean_response_is_in_one_voice(text):
    assert GLOSSARY.problems(text) == []


@pytest.mark.parametrize("text", list(_korean_faq_texts()))
def test_every_korean_faq_text_is_in_one_voice(text):
    assert GLOSSARY.problems(text) == []


def test_every_response_has_a_korean_variation():
    responses = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))["responses"]
    assert len({param.id for param in _korean_responses()}) == len(responses)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("지금 계산해 드릴게요.", "not 합니다체"),
        ("날짜를 읽지 못했어요. 다시 입력해 주세요.", "not 합니다체"),
        ("존재하지 않는 날짜예요.", "not 합니다체"),
        ("다시 말씀해 주시겠어요?", "not 합니다체"),
        ("무엇을 계산해 드릴까요?", "not 합니다체"),
        ("액션팩을 갱신하세요.", "Microsoft Action Pack"),
        ("25석 토큰을 나눌 수 없습니다.", "seats"),
        ("멤버 자격 제안 페이지에서 납부하세요.", "Membership offers page"),
        ("COVID 예외 승인을 요청하세요.", "COVID override"),
        ("지원팀에 티켓을 여세요.", "support ticket"),
        ("요금을 내야 합니다.", "paying a fee"),
        ("요금은 기간 안에 내야 합니다.", "paying a fee"),
        ("{date}(으)로 계산합니다.", "a date"),
    ],
)
def test_the_check_notices_each_kind_of_problem(text, problem):
    assert any(problem in found for found in GLOSSARY.problems(text)), GLOSSARY.problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "언제 구매하셨나요?",
        "다음 중 어떤 질문인가요?",
        "파트너 센터에서 갱신하세요.",
        "정확한 날짜를 계산해 드립니다.",
        "Action Pack을 갱신할 수 있습니다. 필요한 사용자(시트)를 추가합니다.",
        "Microsoft Action Pack은 30일 이내에 요금을 납부해야 합니다.",
        "안내 내용은 내부 자료입니다.",  # 내 inside words is not 내다
    ],
)
def test_the_check_accepts_the_chosen_voice(text):
    assert GLOSSARY.problems(text) == []
