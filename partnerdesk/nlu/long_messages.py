"""Long, e-mail-like messages and two FAQ questions in one message.

Partners write "Hi team, I'm Jisoo from an MSP in Busan. We got our Silver
competency last October. How and when do we renew it? Thanks!": the greeting,
the introduction and the context dilute the whole-message scores until the
answer falls back. ``SentenceSegmenter`` (before the linear classifiers) splits
such a message into sentences; the classifiers then also rank every sentence
(``partnerdesk.nlu.linear_selector``, one batched call, only for messages of two
or more sentences); ``LongMessageResolver`` (after them, before the fallback
classifier) keeps the whole-message answer when it is clear, and otherwise
answers with the most confident FAQ sentence. When two question sentences each
clearly select a different FAQ, it predicts ``faq_multi`` and lists both under
``faq_answers`` (best first); the first stays the response selector's answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SEGMENTS = "segments"
"""Message key (not in the parse output): the sentences of a multi-sentence message."""
SEGMENT_INTENT_RANKINGS = "segment_intent_rankings"
"""Message key: per segment, the intent ranking (``name``, ``confidence``)."""
SEGMENT_ANSWER_RANKINGS = "segment_answer_rankings"
"""Message key: per segment, the FAQ answer ranking (``intent_response_key``, ``confidence``)."""
SEGMENT_RESPONSES = "segment_responses"
"""Message key: the responses of each segment's best answer, by answer key."""
FAQ_ANSWERS = "faq_answers"
MULTI_INTENT = "faq_multi"
RETRIEVAL_INTENT = "faq"

# Where a sentence ends: . ? ! … (also 。 ？ ！), maybe a closing quote or bracket, then
# a space; or a line break.
_PUNCTUATION_END = re.compile(r"(?:(?<=[.?!…。？！])|(?<=[.?!…。？！][\"'”’)\]]))\s+")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
# English abbreviations whose full stop does not end a sentence ("MAP vs. LAP").
_ABBREVIATION = re.compile(
    r"(?:\b(?:vs|e\.g|i\.e|etc|approx|mr|mrs|ms|dr|inc|ltd|co|corp|no|st|jr|sr)|\b[A-Za-z])\.$",
    re.IGNORECASE,
)
# Korean written without punctuation ("…김지수입니다 역량 갱신 …") ends a sentence
# after a word with a polite or plain final ending; nouns ending in 요 are not endings.
_KOREAN_FINAL_WORD = re.compile(
    r"[가-힣]*(?:[가-힣]요|니다|[했었았였있없한된]다|[할될을갈볼줄쓸]까|[하되]죠)$"
)
_KOREAN_NOT_FINAL = frozenset({"필요", "불필요", "중요", "주요", "수요", "소요", "요요"})
_QUESTION_WORDS = frozenset(
    """how what whats what's when whens where which who why can could do does did is are
    will would should may if have has must pls please""".split()
)
# Korean questions and requests without a question mark ("…하나요", "…알려주세요").
_KOREAN_QUESTION_END = re.compile(
    r"(?:[나가까]요|[나까]|[는은인]지요?|습니까|합니까|궁금합니다|궁금해요|주세요|주실래요|"
    r"주시겠어요|줘|부탁드립니다|부탁드려요|부탁해요|여쭤봅니다|여쭤요|문의드립니다)$"
)


def split_sentences(text: str) -> List[str]:
    """Split a message into sentences (English and Korean).

    Sentences end at ``.``, ``?``, ``!`` (and their full-width forms) followed by
    a space, at line breaks, and, for Korean written without punctuation, after
    a sentence-final ending ("…입니다 역량 …"). Abbreviations such as "vs." or
    "e.g." do not end a sentence. Empty pieces are dropped.

    Args:
        text: The user's message.

    Returns:
        The sentences, stripped, in message order (``[]`` for a blank message).
    """
    sentences: List[str] = []
    for line in _LINE_BREAK.split(text.strip()):
        pending = ""
        for piece in _PUNCTUATION_END.split(line):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            if pending and not _ABBREVIATION.search(pending):
                sentences.extend(_split_korean_endings(pending))
                pending = ""
        if pending:
            sentences.extend(_split_korean_endings(pending))
    return [s for s in sentences if s]


def _split_korean_endings(sentence: str) -> List[str]:
    pieces: List[str] = []
    words: List[str] = []
    for word in sentence.split():
        words.append(word)
        if _KOREAN_FINAL_WORD.search(word) and word not in _KOREAN_NOT_FINAL:
            pieces.append(" ".join(words))
            words = []
    if words:
        pieces.append(" ".join(words))
    return pieces


def is_question(sentence: str) -> bool:
    """Whether a sentence asks something (question mark, question word or Korean ending).

    Args:
        sentence: One sentence of ``split_sentences``.

    Returns:
        True for "How do we renew?", "does MAP include VS Enterprise",
        "갱신은 언제 하나요", "절차를 알려주세요"; False for "We are an MSP."
    """
    stripped = sentence.strip()
    if stripped.endswith(("?", "？")):
        return True
    first_word = re.match(r"[A-Za-z']+", stripped)
    if first_word and first_word.group(0).lower() in _QUESTION_WORDS:
        return True
    return bool(_KOREAN_QUESTION_END.search(stripped.rstrip(".!~ ")))


@dataclass(frozen=True)
class Scored:
    """A text (the whole message or one sentence) with its intent and answer rankings."""

    text: str
    intents: Sequence[Dict[Text, Any]]
    answers: Sequence[Dict[Text, Any]]

    @property
    def question(self) -> bool:
        """Whether the text reads as a question or a request."""
        return is_question(self.text)

    @property
    def answer_key(self) -> Optional[str]:
        """The best answer's key (``faq/<id>``), if there is a ranking."""
        return self.answers[0]["intent_response_key"] if self.answers else None

    @property
    def answer_confidence(self) -> float:
        """The best answer's confidence (0 without a ranking)."""
        return float(self.answers[0]["confidence"]) if self.answers else 0.0


@dataclass(frozen=True)
class Thresholds:
    """When an FAQ prediction is clear enough to act on.

    ``intent`` and ``intent_margin`` bound the ``faq`` intent's confidence and its
    lead over the best other intent (a negative margin lets another intent lead);
    ``answer`` and ``answer_margin`` bound the best answer and its lead over the
    runner-up.
    """

    intent: float
    intent_margin: float
    answer: float
    answer_margin: float

    def clear_faq(self, scored: Scored) -> bool:
        """True when the ``faq`` intent and the best answer both clear their bounds."""
        faq = next((float(r["confidence"]) for r in scored.intents
                    if r["name"] == RETRIEVAL_INTENT), 0.0)
        other = max((float(r["confidence"]) for r in scored.intents
                     if r["name"] != RETRIEVAL_INTENT), default=0.0)
        answers = [float(r["confidence"]) for r in scored.answers[:2]] + [0.0, 0.0]
        return (faq >= self.intent and faq - other >= self.intent_margin
                and answers[0] >= self.answer and answers[0] - answers[1] >= self.answer_margin)


def choose(whole: Scored, sentences: Sequence[Scored], whole_clear: Thresholds,
           sentence_clear: Thresholds, faq_sentence_clear: Thresholds,
           rescore_intents: Sequence[str], max_answers: int = 2) -> List[Scored]:
    """Which sentences answer a multi-sentence message.

    Args:
        whole: The whole message, as the classifiers ranked it.
        sentences: Each sentence, as the classifiers ranked it.
        whole_clear: When the whole message's FAQ answer stands (the fallback's bounds).
        sentence_clear: When one sentence clearly asks one FAQ although the
            whole message's intent is not ``faq`` (strict).
        faq_sentence_clear: The same when the whole message's intent is ``faq``
            (the intent is settled; the sentence's answer must be clear).
        rescore_intents: Whole-message intents a sentence may overrule (``faq``,
            ``out_of_scope``, greetings, thanks); a personal-date question, for
            example, stays as it is.
        max_answers: At most this many answers (two: ``faq_multi``).

    Returns:
        ``[]`` to keep the whole-message prediction, one sentence to answer with
        instead, or two (best first) when two questions each clearly ask a
        different FAQ.
    """
    if not whole.intents or whole.intents[0]["name"] not in rescore_intents:
        return []
    bar = faq_sentence_clear if whole.intents[0]["name"] == RETRIEVAL_INTENT else sentence_clear
    clear = [s for s in sentences if bar.clear_faq(s)]
    asked = [s for s in clear if s.question]
    best_by_answer: Dict[str, Scored] = {}
    for sentence in sorted(asked, key=lambda s: -s.answer_confidence):
        best_by_answer.setdefault(sentence.answer_key or "", sentence)
    if len(best_by_answer) >= 2:
        return list(best_by_answer.values())[:max_answers]
    if whole_clear.clear_faq(whole):
        return []
    candidates = asked or clear
    return sorted(candidates, key=lambda s: -s.answer_confidence)[:1]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SentenceSegmenter(GraphComponent):
    """Marks the sentences of a multi-sentence message for the linear classifiers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``max_segments``: at most this many sentences are ranked (bounds the cost)."""
        return {"max_segments": 8}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_segments = int(config["max_segments"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceSegmenter":
        """Creates the segmenter."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are not segmented."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``segments`` (not in the output) on messages of two or more sentences."""
        for message in messages:
            sentences = segments(message.get(TEXT) or "", self._max_segments)
            if sentences:
                message.set(SEGMENTS, sentences)
        return messages


def segments(text: str, max_segments: int) -> List[str]:
    """The sentences to rank for a message: none for a single sentence.

    A message of more than ``max_segments`` sentences (a pasted e-mail thread,
    a signature block) keeps its questions first, then its other sentences, up
    to ``max_segments``, in message order.

    Args:
        text: The user's message.
        max_segments: At most this many sentences.

    Returns:
        ``[]`` for a message of fewer than two sentences, else its sentences.
    """
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return []
    if len(sentences) <= max_segments:
        return sentences
    ranked = sorted(range(len(sentences)), key=lambda i: (not is_question(sentences[i]), i))
    return [sentences[i] for i in sorted(ranked[:max_segments])]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class LongMessageResolver(GraphComponent):
    """Answers a long message from its clearest FAQ sentence, or two from two questions."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Bounds for the whole message (the fallback's) and for one sentence.

        ``sentence_*`` apply when the whole message's intent is not ``faq`` (a
        sentence must be a clear FAQ question on its own); ``faq_sentence_*`` when
        it is (the intent is settled, the sentence's answer must be clear).
        """
        return {
            "threshold": 0.3,
            "ambiguity_threshold": 0.02,
            "answer_threshold": 0.25,
            "answer_ambiguity_threshold": 0.05,
            "sentence_threshold": 0.6,
            "sentence_ambiguity_threshold": 0.3,
            "sentence_answer_threshold": 0.6,
            "sentence_answer_ambiguity_threshold": 0.3,
            "faq_sentence_threshold": 0.3,
            "faq_sentence_ambiguity_threshold": -1.0,
            "faq_sentence_answer_threshold": 0.5,
            "faq_sentence_answer_ambiguity_threshold": 0.2,
            "rescore_intents": [RETRIEVAL_INTENT, "out_of_scope", "greet", "thank", "goodbye"],
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._bounds = {
            prefix: Thresholds(
                config[f"{prefix}threshold"], config[f"{prefix}ambiguity_threshold"],
                config[f"{prefix}answer_threshold"],
                config[f"{prefix}answer_ambiguity_threshold"])
            for prefix in ("", "sentence_", "faq_sentence_")
        }

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LongMessageResolver":
        """Creates the resolver."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Re-decides multi-sentence messages from their sentences' rankings."""
        for message in messages:
            sentences = message.get(SEGMENTS) or []
            intents = message.get(SEGMENT_INTENT_RANKINGS) or []
            answers = message.get(SEGMENT_ANSWER_RANKINGS) or []
            if len(sentences) < 2 or not (len(sentences) == len(intents) == len(answers)):
                continue
            whole = Scored(message.get(TEXT) or "", message.get("intent_ranking") or [],
                           _answer_ranking(message))
            chosen = choose(whole, [Scored(*s) for s in zip(sentences, intents, answers)],
                            self._bounds[""], self._bounds["sentence_"],
                            self._bounds["faq_sentence_"], self._config["rescore_intents"])
            if chosen:
                _apply(message, whole, chosen)
        return messages


def _answer_ranking(message: Message) -> List[Dict[Text, Any]]:
    selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return list(selector.get("ranking") or [])


def _apply(message: Message, whole: Scored, chosen: List[Scored]) -> None:
    """Answers with the first chosen sentence; two chosen make it ``faq_multi``.

    The intent ranking is the one that justified the choice: the whole
    message's when its intent was ``faq`` already, else the first sentence's
    (where ``faq`` leads clearly). For ``faq_multi`` its ``faq`` entry is
    renamed, so the fallback classifier checks the same confidences.
    """
    selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT)
    if selector is None:
        return
    first = chosen[0]
    key = first.answer_key
    selector["ranking"] = [dict(r) for r in first.answers]
    selector["response"] = {
        **selector.get("response", {}),
        "intent_response_key": key,
        "confidence": first.answer_confidence,
        "utter_action": f"utter_{key}",
        "responses": (message.get(SEGMENT_RESPONSES) or {}).get(key, []),
    }
    basis = whole.intents if whole.intents[0]["name"] == RETRIEVAL_INTENT else first.intents
    name = MULTI_INTENT if len(chosen) > 1 else RETRIEVAL_INTENT
    ranking = [{**r, "name": name} if r["name"] == RETRIEVAL_INTENT else dict(r) for r in basis]
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    if len(chosen) > 1:
        message.set(FAQ_ANSWERS, [
            {"intent_response_key": s.answer_key, "confidence": s.answer_confidence,
             "text": s.text}
            for s in chosen
        ], add_to_output=True)
