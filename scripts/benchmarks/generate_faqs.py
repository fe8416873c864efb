"""Cost against knowledge-base size: synthetic FAQs in both languages, trained and measured.

Usage: .venv/bin/python scripts/benchmarks/generate_faqs.py [--sizes 20 200 1000]
           [--paraphrases 10] [--plot docs/kb-size.png] [--keep DIR]

For each size N, copies the project's training inputs (``config.yml``, ``domain.yml``,
``data/``) into a temporary directory — never into ``data/`` — and replaces the FAQ training
data (``data/nlu/faq*.yml``, ``data/responses/faq.yml``) with N synthetic FAQs: each has a
distinct topic (a qualifier and a subject, in English and in Korean), ``--paraphrases``
questions in each language from varied templates, and an answer in both languages chosen
by the ``language`` slot, as the real ones are. Everything else (chit-chat, out of scope,
dates, rules) stays. Then it trains with ``rasa train`` (as ``model_build`` does) and
measures: training time, model file size, and ``/model/parse``-equivalent latency in
process (the NLU graph, 300 parses of held-back paraphrases, p50/p95), with the share of
those parses that pick the right FAQ as a sanity check. ``--keep DIR`` leaves the
generated project of the last size there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import load_line

from partnerdesk.core.paths import PROJECT_ROOT

SUBJECTS = [
    ("action pack", "액션팩"),
    ("competency", "역량"),
    ("azure credit", "애저 크레딧"),
    ("support incident", "지원 인시던트"),
    ("license key", "라이선스 키"),
    ("partner center account", "파트너 센터 계정"),
    ("MPN ID", "MPN ID"),
    ("benefit portal", "혜택 포털"),
    ("visual studio subscription", "비주얼 스튜디오 구독"),
    ("office 365 seat", "오피스 365 좌석"),
    ("dynamics license", "다이내믹스 라이선스"),
    ("advisory hour", "자문 시간"),
    ("technical presales", "기술 사전 판매"),
    ("co-sell listing", "공동 판매 등록"),
    ("marketplace offer", "마켓플레이스 오퍼"),
    ("billing profile", "청구 프로필"),
    ("invoice", "청구서"),
    ("tax form", "세금 양식"),
    ("bank details", "은행 정보"),
    ("user role", "사용자 역할"),
    ("global admin", "전역 관리자"),
    ("training voucher", "교육 바우처"),
    ("exam discount", "시험 할인"),
    ("certification", "자격증"),
    ("solution area", "솔루션 영역"),
    ("designation", "지정"),
    ("specialization", "전문화"),
    ("audit", "감사"),
    ("renewal window", "갱신 기간"),
    ("grace period", "유예 기간"),
    ("product key", "제품 키"),
    ("activation code", "활성화 코드"),
    ("tenant", "테넌트"),
    ("domain name", "도메인 이름"),
    ("sandbox", "샌드박스"),
    ("demo environment", "데모 환경"),
    ("internal use right", "내부 사용권"),
    ("cloud subscription", "클라우드 구독"),
    ("payout", "지급금"),
    ("incentive", "인센티브"),
]
QUALIFIERS = [
    ("expired", "만료된"),
    ("new", "새"),
    ("annual", "연간"),
    ("monthly", "월간"),
    ("gold", "골드"),
    ("silver", "실버"),
    ("shared", "공유"),
    ("unused", "사용하지 않은"),
    ("regional", "지역"),
    ("trial", "체험판"),
    ("transferred", "이전된"),
    ("suspended", "정지된"),
    ("duplicate", "중복된"),
    ("missing", "누락된"),
    ("second", "두 번째"),
    ("upgraded", "업그레이드된"),
    ("cancelled", "취소된"),
    ("pending", "대기 중인"),
    ("locked", "잠긴"),
    ("partner", "파트너"),
    ("customer", "고객"),
    ("reseller", "리셀러"),
    ("nonprofit", "비영리"),
    ("education", "교육"),
    ("government", "정부"),
]
EN_TEMPLATES = [
    "how do we handle the {q} {s}",
    "what happens to our {q} {s}",
    "{q} {s} question",
    "can you explain the {q} {s}",
    "where do i find the {q} {s}",
    "help with {q} {s} please",
    "{s} that is {q}, what now",
    "is there a rule for the {q} {s}",
    "tell me about {q} {s}",
    "we have a {q} {s}, what should we do",
    "{q} {s} how does it work",
    "who can change the {q} {s}",
    "any limits on the {q} {s}?",
    "what about a {q} {s}",
]
KO_TEMPLATES = [
    "{q} {s} 어떻게 처리하나요",
    "{q} {s} 관련 질문이요",
    "{q} {s} 설명해 주세요",
    "{q} {s} 어디서 찾나요",
    "{q} {s} 도와주세요",
    "{q} {s}은 어떻게 되나요",
    "{q} {s} 규칙이 있나요",
    "{q} {s}에 대해 알려주세요",
    "저희 {q} {s} 어떻게 해야 하나요",
    "{q} {s} 작동 방식이 궁금해요",
    "{q} {s} 누가 바꿀 수 있나요",
    "{q} {s} 제한이 있나요?",
    "{q} {s}는요?",
    "{q} {s} 문의드립니다",
]
FAQ_DATA = ("data/nlu/faq*.yml", "data/responses/faq.yml")


def topics(count: int, rng: random.Random) -> List[Tuple[Tuple[str, str], Tuple[str, str]]]:
    """``count`` distinct (qualifier, subject) pairs."""
    pairs = [(q, s) for q in QUALIFIERS for s in SUBJECTS]
    if count > len(pairs):
        raise SystemExit(f"at most {len(pairs)} synthetic FAQs")
    rng.shuffle(pairs)
    return pairs[:count]


def questions(topic, templates: List[str], language: int, rng: random.Random, n: int) -> List[str]:
    """``n`` paraphrases of one topic in one language (0 English, 1 Korean)."""
    (qualifier, subject) = topic
    chosen = rng.sample(templates, min(n, len(templates)))
    return [t.format(q=qualifier[language], s=subject[language]) for t in chosen]


def generate(project: Path, count: int, paraphrases: int, seed: int = 7) -> Dict[str, List[str]]:
    """Write a project copy with ``count`` synthetic FAQs; held-back questions by FAQ key."""
    rng = random.Random(seed)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    shutil.copytree(PROJECT_ROOT / "data", project / "data")
    for pattern in FAQ_DATA:
        for path in project.glob(pattern):
            path.unlink()
    nlu, responses, held_back = [], {}, {}
    for i, topic in enumerate(topics(count, rng)):
        key = f"synthetic_{i:04d}"
        english = questions(topic, EN_TEMPLATES, 0, rng, paraphrases + 1)
        korean = questions(topic, KO_TEMPLATES, 1, rng, paraphrases + 1)
        held_back[key] = [english.pop(), korean.pop()]
        examples = "".join(f"- {line}\n" for line in english + korean)
        nlu.append({"intent": f"faq/{key}", "examples": examples})
        (q_en, q_ko), (s_en, s_ko) = topic
        responses[f"utter_faq/{key}"] = [
            {
                "condition": [{"type": "slot", "name": "language", "value": "ko"}],
                "text": f"{q_ko} {s_ko}: 파트너 센터에서 확인하세요. (합성 FAQ {i})",
            },
            {"text": f"About the {q_en} {s_en}: see Partner Center. (synthetic FAQ {i})"},
        ]
    (project / "data" / "nlu" / "faq_synthetic.yml").write_text(
        yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False)
    )
    (project / "data" / "responses" / "faq.yml").write_text(
        yaml.safe_dump(
            {"version": "3.1", "responses": responses}, allow_unicode=True, sort_keys=False
        )
    )
    return held_back


def train(project: Path) -> Tuple[Path, float]:
    """Train the copy's model as ``model_build`` does; the model and the seconds it took."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "train",
            "--fixed-model-name",
            "synthetic",
            "--out",
            str(project / "models"),
        ],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return project / "models" / "synthetic.tar.gz", time.perf_counter() - started


def parse_latency(model: Path, held_back: Dict[str, List[str]], parses: int = 300):
    """p50, p95 (ms) of in-process NLU parses, and the share answered with the right FAQ."""
    import structlog
    from rasa.core.agent import Agent

    from partnerdesk import rasa_patches

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rasa_patches.apply(rasa_patches.RASA_SERVER)  # as the server does when it starts
    agent = Agent.load(str(model))
    cases = [(key, text) for key, texts in held_back.items() for text in texts]
    cases = (cases * (parses // len(cases) + 1))[:parses]

    async def run() -> Tuple[List[float], int]:
        for _ in range(10):
            await agent.parse_message(cases[0][1])
        times, right = [], 0
        for key, text in cases:
            began = time.perf_counter()
            parsed = await agent.parse_message(text)
            times.append((time.perf_counter() - began) * 1000)
            selected = (parsed.get("response_selector", {}).get("faq", {}) or {}).get(
                "response", {}
            )
            right += selected.get("intent_response_key") == f"faq/{key}"
        return times, right

    times, right = asyncio.run(run())
    return statistics.median(times), statistics.quantiles(times, n=20)[18], right / len(cases)


def plot(rows: List[Dict[str, float]], path: Path) -> None:
    """Training time, parse latency and model size against the number of FAQs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["faqs"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    panels = [
        ("training time (s)", [r["train_s"] for r in rows]),
        ("parse latency (ms)", [r["p50_ms"] for r in rows]),
        ("model file size (MiB)", [r["model_mib"] for r in rows]),
    ]
    axes[1].plot(sizes, [r["p95_ms"] for r in rows], "o--", color="#d8643b", label="p95")
    for ax, (label, values) in zip(axes, panels):
        ax.plot(sizes, values, "o-", color="#3b7dd8", label="p50" if ax is axes[1] else None)
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(s) for s in sizes])
        ax.set_xlabel("FAQs in the knowledge base (synthetic, en + ko)")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
    axes[1].legend()
    fig.suptitle("PartnerDesk cost vs knowledge-base size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> int:
    """Generate, train, measure, print, plot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200, 1000])
    parser.add_argument("--paraphrases", type=int, default=10, help="per language and FAQ")
    parser.add_argument("--plot", type=Path, default=PROJECT_ROOT / "docs" / "kb-size.png")
    parser.add_argument("--keep", type=Path, help="leave the last generated project here")
    args = parser.parse_args()

    print(load_line(), flush=True)
    rows = []
    for size in args.sizes:
        project = Path(tempfile.mkdtemp(prefix=f"faqs-{size}-"))
        try:
            held_back = generate(project, size, args.paraphrases)
            try:
                model, seconds = train(project)
            except subprocess.CalledProcessError as error:
                print(error.stderr.decode(errors="replace")[-3000:], file=sys.stderr)
                raise
            p50, p95, right = parse_latency(model, held_back)
            row = {
                "faqs": size,
                "examples": size * args.paraphrases * 2,
                "train_s": seconds,
                "model_mib": model.stat().st_size / 2**20,
                "p50_ms": p50,
                "p95_ms": p95,
                "right": right,
            }
            rows.append(row)
            print(
                f"{size:>5} FAQs ({row['examples']:>5} training questions): training "
                f"{seconds:6.1f} s  model {row['model_mib']:6.1f} MiB  parse p50 {p50:5.1f} ms "
                f"p95 {p95:5.1f} ms  held-back paraphrases answered right {right:.3f}  "
                f"({load_line()})",
                flush=True,
            )
        finally:
            if args.keep and size == args.sizes[-1]:
                shutil.rmtree(args.keep, ignore_errors=True)
                shutil.copytree(project, args.keep)
            shutil.rmtree(project, ignore_errors=True)
    plot(rows, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
