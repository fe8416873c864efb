"""The insights at scale: the endpoint and the page on a large tracker store.

    .venv/bin/python scripts/benchmarks/generate_store.py --conversations 100000 \
        --end 2026-12-03 --sqlite var/bench/insights-100000.db
    .venv/bin/python scripts/benchmarks/insights_scale.py --end 2026-12-03 \
        --store sqlite:///var/bench/insights-100000.db
    .venv/bin/python scripts/benchmarks/insights_scale.py --end 2026-12-03 \
        --store postgresql://user:pw@127.0.0.1:5432/db
    .venv/bin/python scripts/benchmarks/insights_scale.py --plot docs/insights-scale.png

Starts the Rasa server (the project's model, ``ResilientSQLTrackerStore`` on the store) and
the page server, then measures, with the real clock:

- **cold**: the first request on a store never summarised (the summary is built);
- **endpoint**: ``GET /webhooks/agent/insights`` and ``…/insights/unanswered`` (what the page
  asks) for the last 30 days and the last year up to ``--end``, each ``--runs`` times;
- **page**: ``/agent/insights`` in headless Chromium, from "Show" to the numbers and groups
  on screen, for both periods;
- **after new traffic**: one new conversation over REST, then the endpoint again (the
  summary reads only what changed);
- **recount**: the endpoint's answers equal a full recount from the events alone
  (``report.insights(..., recount=True)``), and how long that recount takes.

Each run appends one JSON line to ``--results`` (default ``var/bench/insights-scale.jsonl``);
``--plot`` draws time against store size from those lines. ``--screenshot`` saves the page
(one year) as a PNG.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests
import sqlalchemy as sa

from partnerdesk.core.insight_period import parse_period
from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report import insights as report
from partnerdesk.tools.model_build import ensure_model
from tests import servers

TOKEN = f"bench-{uuid.uuid4().hex[:12]}"
RESULTS = PROJECT_ROOT / "var" / "bench" / "insights-scale.jsonl"
IDLE = 30
ZONE = "Asia/Seoul"


def tracker_store_yaml(url: sa.engine.URL) -> str:
    """The ``tracker_store`` section of an endpoints file for the store at ``url``."""
    lines = ["tracker_store:", "  type: partnerdesk.stores.tracker_store.ResilientSQLTrackerStore"]
    if url.get_backend_name() == "sqlite":
        lines += ["  dialect: sqlite", f"  db: {Path(url.database or '').resolve()}"]
    else:
        lines += [
            "  dialect: postgresql",
            f"  url: {url.host}",
            f"  port: {url.port or 5432}",
            f"  db: {url.database}",
            f"  username: {url.username}",
            f"  password: {url.password}",
        ]
    return "\n".join(lines) + "\n"


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``work`` took, and its result."""
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def summary(times: List[float]) -> Dict[str, float]:
    """Median and worst of some seconds."""
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


class Api:
    """The agent API of the running Rasa server."""

    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url

    def get(self, path: str, since: str, until: str) -> Any:
        """``GET /webhooks/agent/insights<path>`` for the period; its JSON."""
        reply = requests.get(
            f"{self.rasa_url}/webhooks/agent/insights{path}",
            params={"since": since, "until": until, "idle_minutes": str(IDLE)},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=900,
        )
        reply.raise_for_status()
        return reply.json()

    def page_requests(self, since: str, until: str) -> Any:
        """What the page asks for: the numbers, then the groups."""
        return self.get("", since, until), self.get("/unanswered", since, until)


def measure_page(
    page_url: str, periods: Dict[str, tuple[str, str]], runs: int, screenshot: Optional[Path]
) -> Dict[str, Any]:
    """Seconds from "Show" to the numbers and groups on the page, per period."""
    from playwright.sync_api import sync_playwright

    out: Dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(900_000)
        page = context.new_page()
        page.goto(page_url)
        page.locator("#token").fill(TOKEN)
        page.locator("#idle").fill(str(IDLE))
        for name, (since, until) in periods.items():
            last_day = (date.fromisoformat(until) - timedelta(days=1)).isoformat()
            times, total = [], None
            for _ in range(runs):
                page.locator("#from").fill(since)
                page.locator("#to").fill(last_day)
                began = time.perf_counter()
                page.locator("#show").click()
                page.locator('main[aria-busy="false"]').wait_for()
                page.locator("#result:not([hidden]), #error:not([hidden])").wait_for()
                times.append(time.perf_counter() - began)
                if page.locator("#error").is_visible():
                    raise SystemExit(f"the page says: {page.locator('#error').inner_text()}")
                total = int(page.locator("#count-total").inner_text().replace(",", ""))
            out[name] = {**summary(times), "conversations_shown": total}
            if screenshot and name == "year":
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(  # the top: counts, rates, the chart, the splits
                    path=str(screenshot),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": 1500},
                )
        browser.close()
    return out


def talk(rasa_url: str) -> None:
    """One new conversation over REST."""
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for text in ("hello", "What is the Microsoft Action Pack?"):
        requests.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        ).raise_for_status()


def run(args: argparse.Namespace) -> Dict[str, Any]:
    """Measure one store; the figures."""
    url = sa.engine.make_url(args.store)
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        event_count = connection.exec_driver_sql("SELECT count(*) FROM events").scalar()
        sender_count = connection.exec_driver_sql(
            "SELECT count(DISTINCT sender_id) FROM events"
        ).scalar()
    end = date.fromisoformat(args.end)
    until = (end + timedelta(days=1)).isoformat()
    periods = {
        "30_days": ((end - timedelta(days=29)).isoformat(), until),
        "year": ((end - timedelta(days=364)).isoformat(), until),
    }
    result: Dict[str, Any] = {
        "backend": url.get_backend_name(),
        "events": event_count,
        "senders": sender_count,
        "runs": args.runs,
    }
    model = ensure_model()
    workdir = Path(tempfile.mkdtemp(prefix="insights-scale-"))
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(tracker_store_yaml(url))
    web_port = servers.free_port()
    page_origin = f"http://127.0.0.1:{web_port}"
    env = {
        "PARTNERDESK_WEB_ORIGINS": page_origin,
        "PARTNERDESK_ASSIST_TOKEN": TOKEN,
        "PARTNERDESK_TZ": ZONE,
        "PARTNERDESK_DEV": "",
    }
    rasa = servers.rasa_server(model, endpoints, workdir, extra_env=env)
    rasa_url = rasa.health_url.rstrip("/").rsplit("/health", 1)[0]
    web = servers.ServerProcess(
        args=[sys.executable, "-m", "partnerdesk.web"],
        health_url=f"{page_origin}/",
        log=workdir / "web.log",
        env={"PARTNERDESK_WEB_PORT": str(web_port), "PARTNERDESK_SOCKET_URL": rasa_url},
    )
    started: List[servers.ServerProcess] = []
    try:
        for server in (rasa, web):
            started.append(server.start())
        api = Api(rasa_url)
        cold, _ = timed(lambda: api.get("", *periods["30_days"]))
        result["cold_first_request_s"] = round(cold, 1)
        print(f"cold (summary built): {cold:.1f} s", flush=True)
        answers: Dict[str, Any] = {}
        for name, period in periods.items():
            times, parts = [], []
            for _ in range(args.runs):
                seconds, (numbers, groups) = timed(lambda: api.page_requests(*period))
                times.append(seconds)
                parts.append(timed(lambda: api.get("", *period))[0])
            answers[name] = numbers
            result[f"endpoint_{name}"] = {
                **summary(times),
                "numbers_only": summary(parts),
                "conversations": sum(numbers["conversations"].values()),
                "unanswered_groups": len(groups["groups"]),
            }
            print(f"endpoint {name}: {result[f'endpoint_{name}']}", flush=True)
        recounts = {}
        for name, (since, until_) in periods.items() if args.recount else ():
            asked = parse_period(since, until_, datetime.now(_zone()), _zone())
            seconds, counted = timed(
                lambda: report.insights(engine, asked, IDLE, now=time.time(), recount=True)
            )
            kept = report.insights(engine, asked, IDLE, now=time.time())
            recounts[name] = {
                "recount_s": round(seconds, 1),
                "endpoint_equals_recount": counted == answers[name] == kept,
            }
            print(f"recount {name}: {recounts[name]}", flush=True)
        result["recount"] = recounts
        result["page"] = measure_page(
            f"{page_origin}/agent/insights", periods, args.runs, args.screenshot
        )
        print(f"page: {result['page']}", flush=True)
        talk(rasa_url)
        after, _ = timed(lambda: api.get("", *periods["30_days"]))
        result["after_new_conversation_s"] = round(after, 3)
        print(f"after one new conversation: {after:.3f} s", flush=True)
    finally:
        for server in reversed(started):
            server.stop()
        engine.dispose()
    result["conversations"] = result["endpoint_year"]["conversations"]
    return result


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(ZONE)


def plot(results: Path, out: Path) -> None:
    """Time against store size, from the results' lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest: Dict[tuple, Dict[str, Any]] = {}  # the last measurement of each store counts
    for line in results.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            latest[(row["backend"], round(row["events"], -4))] = row  # + a few new events
    lines = list(latest.values())
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for backend, marker in (("sqlite", "o"), ("postgresql", "s")):
        rows = sorted((r for r in lines if r["backend"] == backend), key=lambda r: r["events"])
        if not rows:
            continue
        size = [r["events"] / 1e6 for r in rows]
        for key, label, style in (
            ("endpoint_30_days", "endpoint, 30 days", "-"),
            ("endpoint_year", "endpoint, a year", "--"),
        ):
            axes.plot(size, [r[key]["median_s"] for r in rows], style, marker=marker,
                      label=f"{backend}: {label}")  # fmt: skip
        for key, label, style in (
            ("30_days", "page, 30 days", ":"),
            ("year", "page, a year", "-."),
        ):
            axes.plot(size, [r["page"][key]["median_s"] for r in rows], style, marker=marker,
                      label=f"{backend}: {label}")  # fmt: skip
    axes.axhline(2, color="grey", linewidth=0.8)
    axes.axhline(10, color="grey", linewidth=0.8)
    axes.set_xlabel("events in the store (millions)")
    axes.set_ylabel("seconds (median)")
    axes.set_title("Insights: time against store size (2-core machine)")
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    print(out)


def main(argv: Optional[List[str]] = None) -> int:
    """Measure a store, or plot the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="SQLAlchemy URL of the tracker store")
    parser.add_argument("--end", default=date.today().isoformat(), help="last day, YYYY-MM-DD")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--screenshot", type=Path, help="save the page (a year) as a PNG")
    parser.add_argument("--plot", type=Path, help="draw the results into this PNG")
    parser.add_argument(
        "--no-recount", dest="recount", action="store_false", help="skip the full recounts"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    if args.plot:
        plot(args.results, args.plot)
        return 0
    if not args.store:
        parser.error("give --store or --plot")
    result = run(args)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("a") as out:
        out.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
