"""The long-message splitter, question test and sentence choice, without a model."""

import pytest

from partnerdesk.core.multi_answer import Scored, Thresholds, choose
from partnerdesk.core.sentences import is_question, segments, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Hi team, I'm Jisoo. We got Silver last year. How do we renew it? Thanks!",
            ["Hi team, I'm Jisoo.", "We got Silver last year.", "How do we renew it?", "Thanks!"],
        ),
        ("when can I renew MAP?", ["when can I renew MAP?"]),
        ("renew MAP", ["renew MAP"]),
        ("Hello!! Is VS Enterprise in MAP?? ty", ["Hello!!", "Is VS Enterprise in MAP??", "ty"]),
        (
            "first line\nsecond line\r\n\n  third line  ",
            ["first line", "second line", "third line"],
        ),
        ("Wait... does the token split?", ["Wait...", "does the token split?"]),
        ('He said "renew now." Is that right?', ['He said "renew now."', "Is that right?"]),
        (
            "We moved (again.) Where do we update it?",
            ["We moved (again.)", "Where do we update it?"],
        ),
    ],
)
def test_english_sentences(text, sentences):
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    "text",
    [
        "MAP vs. LAP, which one fits a trainer?",
        "licenses e.g. Windows and Office, can we add more?",
        "We use Windows Server 2019 v1.5 and SQL 2.0 today",
        "Our partner is Contoso Ltd. and they merged with us",
        "version 3.5 is installed",
    ],
)
def test_abbreviations_and_numbers_do_not_end_a_sentence(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "안녕하세요. 저희는 부산의 MSP입니다. 역량 갱신은 언제 하나요? 감사합니다.",
            ["안녕하세요.", "저희는 부산의 MSP입니다.", "역량 갱신은 언제 하나요?", "감사합니다."],
        ),
        # Without punctuation: split after sentence-final endings.
        (
            "안녕하세요 부산 MSP 김지수입니다 역량 갱신 언제 해요",
            ["안녕하세요", "부산 MSP 김지수입니다", "역량 갱신 언제 해요"],
        ),
        (
            "액션팩 갱신 언제 해요?? PC에 곧 만료된다고 떠서요. 감사합니다",
            ["액션팩 갱신 언제 해요??", "PC에 곧 만료된다고 떠서요.", "감사합니다"],
        ),
        # Mixed Korean and English.
        (
            "안녕하세요~ 다음 달이 competency anniversary예요. PC에서 renew 어떻게 하나요?",
            ["안녕하세요~ 다음 달이 competency anniversary예요.", "PC에서 renew 어떻게 하나요?"],
        ),
    ],
)
def test_korean_sentences(text, sentences):
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    "text",
    [
        "역량 갱신에 필요 서류가 뭐예요",  # 필요 is a noun, not an ending
        "중요 공지 확인했는데 액션팩 갱신 언제 해요",
        "토큰을 다 써버렸는데 교체 가능해요",  # 다 (all) alone is not an ending
        "갱신했는데 혜택이 안 보여요",  # a connective ending (-는데) does not end a sentence
    ],
)
def test_korean_words_that_do_not_end_a_sentence(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " . "])
def test_blank_messages_have_at_most_punctuation(text):
    assert split_sentences(text) in ([], ["."])


@pytest.mark.parametrize(
    "sentence",
    [
        "How and when do we renew it?",
        "does MAP include VS Enterprise",
        "can we split a token",
        "역량 갱신은 언제 하나요",
        "갱신 절차를 알려주세요",
        "교체 가능할까요",
        "갱신 시기가 궁금합니다",
        "MAP에 VS Enterprise 포함돼요?",
    ],
)
def test_questions(sentence):
    assert is_question(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We are a small MSP in Busan.",
        "Thanks!",
        "Hi team, I'm Jisoo.",
        "저희는 부산의 MSP입니다.",
        "감사합니다.",
        "작년 10월에 실버 역량을 취득했어요.",
    ],
)
def test_statements(sentence):
    assert not is_question(sentence)


# choose(): which sentences answer a multi-sentence message.

FALLBACK = Thresholds(0.3, 0.02, 0.25, 0.05)
STRICT = Thresholds(0.5, 0.2, 0.6, 0.3)
LENIENT = Thresholds(0.3, -1.0, 0.5, 0.2)
RESCORE = ["faq", "out_of_scope", "greet", "thank", "goodbye"]


def _scored(text, intent, intent_confidence, answer, answer_confidence):
    others = [
        {"name": n, "confidence": (1 - intent_confidence) / 2}
        for n in ("out_of_scope", "greet", "faq")
        if n != intent
    ][:1]
    runner_up = {"intent_response_key": "faq/other", "confidence": (1 - answer_confidence) / 2}
    return Scored(
        text,
        [{"name": intent, "confidence": intent_confidence}, *others],
        [{"intent_response_key": f"faq/{answer}", "confidence": answer_confidence}, runner_up],
    )


def _choose(whole, sentences):
    return [s.text for s in choose(whole, sentences, FALLBACK, STRICT, LENIENT, RESCORE)]


def test_a_clear_whole_message_is_kept():
    whole = _scored("Hi. How do we renew MAP?", "faq", 0.9, "renew_action_pack", 0.9)
    sentences = [
        _scored("Hi.", "greet", 0.9, "license_help", 0.2),
        _scored("How do we renew MAP?", "faq", 0.95, "renew_action_pack", 0.95),
    ]
    assert _choose(whole, sentences) == []


def test_an_unclear_whole_message_is_answered_from_its_clear_question():
    whole = _scored(
        "Hi, I'm Jisoo. How do we renew MAP?", "out_of_scope", 0.7, "renew_action_pack", 0.4
    )
    sentences = [
        _scored("Hi, I'm Jisoo.", "greet", 0.9, "license_help", 0.2),
        _scored("How do we renew MAP?", "faq", 0.9, "renew_action_pack", 0.95),
    ]
    assert _choose(whole, sentences) == ["How do we renew MAP?"]


def test_an_out_of_scope_message_needs_a_clearly_faq_sentence():
    whole = _scored(
        "Hi. What is the capability score?", "out_of_scope", 0.6, "renew_competency", 0.4
    )
    sentences = [
        _scored("Hi.", "greet", 0.9, "license_help", 0.2),
        _scored("What is the capability score?", "faq", 0.45, "renew_competency", 0.8),
    ]
    assert _choose(whole, sentences) == []


def test_two_clear_questions_give_two_answers_best_first():
    whole = _scored(
        "Can we split a token? Does MAP include VS Enterprise?", "faq", 0.9, "token_split", 0.5
    )
    sentences = [
        _scored("Can we split a token?", "faq", 0.9, "token_split", 0.8),
        _scored(
            "Does MAP include VS Enterprise?", "faq", 0.9, "vs_enterprise_in_action_pack", 0.95
        ),
    ]
    assert _choose(whole, sentences) == ["Does MAP include VS Enterprise?", "Can we split a token?"]


def test_a_context_statement_does_not_make_a_second_answer():
    whole = _scored(
        "Our MAP renewal is soon. Does MAP include VS Enterprise?",
        "faq",
        0.9,
        "vs_enterprise_in_action_pack",
        0.8,
    )
    sentences = [
        _scored("Our MAP renewal is soon.", "faq", 0.9, "renew_action_pack", 0.9),
        _scored(
            "Does MAP include VS Enterprise?", "faq", 0.9, "vs_enterprise_in_action_pack", 0.95
        ),
    ]
    assert _choose(whole, sentences) == []


def test_the_same_faq_asked_twice_is_one_answer():
    whole = _scored(
        "How do we renew MAP? When is the MAP renewal window?", "faq", 0.9, "renew_action_pack", 0.9
    )
    sentences = [
        _scored("How do we renew MAP?", "faq", 0.9, "renew_action_pack", 0.9),
        _scored("When is the MAP renewal window?", "faq", 0.9, "renew_action_pack", 0.8),
    ]
    assert _choose(whole, sentences) == []


def test_a_personal_date_question_is_not_overruled():
    whole = _scored(
        "We bought MAP on 1 May 2020. When can we renew?",
        "ask_renewal_window",
        0.9,
        "renew_action_pack",
        0.9,
    )
    sentences = [
        _scored(
            "We bought MAP on 1 May 2020.", "ask_renewal_window", 0.8, "renew_action_pack", 0.7
        ),
        _scored("When can we renew?", "faq", 0.9, "renew_action_pack", 0.9),
    ]
    assert _choose(whole, sentences) == []


def test_segments_only_for_several_sentences_and_questions_first_when_too_many():
    assert segments("How do we renew MAP?", 8) == []
    assert segments("Hi. How do we renew MAP?", 8) == ["Hi.", "How do we renew MAP?"]
    text = "Hi. I am Min. We are an MSP. How do we renew MAP? Thanks. Bye."
    assert segments(text, 3) == ["Hi.", "I am Min.", "How do we renew MAP?"]
