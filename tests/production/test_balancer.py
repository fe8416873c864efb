"""The balancer's client address behind trusted TLS proxies (nginx realip).

nginx alone, from the configuration ``scripts/production nginx-config`` renders, with a
low rate limit and no replicas behind it: a request over the limit gets 429 before nginx
tries a replica; one under it gets 503 (no replica answers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from tests.production.profile import SCRIPT, Profile

pytestmark = pytest.mark.slow

FLOODER, OTHER = "203.0.113.10", "198.51.100.20"


@pytest.fixture
def balancer(request) -> Iterator[Profile]:
    """nginx of a profile with the environment of the test's parameter, running."""
    profile = Profile.create(
        PARTNERDESK_RATE_LIMIT="1", PARTNERDESK_RATE_BURST="2", **request.param
    )
    config = profile.run("nginx-config").stdout.strip().splitlines()[-1]
    errors = profile.state_dir / "logs" / "nginx-error.log"
    subprocess.run(["nginx", "-c", config, "-e", str(errors)], check=True, timeout=30)
    try:
        yield profile
    finally:
        pid = int((profile.state_dir / "run" / "nginx.pid").read_text())
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        subprocess.run(["rm", "-rf", str(profile.state_dir)], check=False)


def status(profile: Profile, forwarded_for: str) -> int:
    answer = requests.get(
        f"{profile.balancer}/webhooks/rest/",
        headers={"X-Forwarded-For": forwarded_for},
        timeout=10,
    )
    return answer.status_code


@pytest.mark.parametrize("balancer", [{"PARTNERDESK_TRUSTED_PROXIES": "127.0.0.1"}], indirect=True)
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(balancer):
    flood = [status(balancer, f"{FLOODER}, 127.0.0.1") for _ in range(10)]
    assert flood.count(429) >= 6  # the burst of 2 (+1/s), then refused
    assert status(balancer, OTHER) == 503  # another client of the same proxy: not limited

    def both_logged(log: str) -> bool:
        return f"\n{FLOODER} [" in f"\n{log}" and f"\n{OTHER} [" in log

    log = balancer.access_log(until=both_logged)
    assert both_logged(log), log


@pytest.mark.parametrize("balancer", [{}], indirect=True)
def test_without_trusted_proxies_the_header_is_ignored(balancer):
    flood = [status(balancer, FLOODER) for _ in range(10)]
    assert flood.count(429) >= 6
    assert status(balancer, OTHER) == 429  # the same TCP peer: the same bucket
    log = balancer.access_log(until=lambda log: len(log.splitlines()) >= 11)
    assert len(log.splitlines()) == 11 and FLOODER not in log, log


@pytest.mark.parametrize("balancer", [{"PARTNERDESK_TRUSTED_PROXIES": "10.0.0.0/8"}], indirect=True)
def test_a_header_from_an_address_not_listed_is_ignored(balancer):
    flood = [status(balancer, FLOODER) for _ in range(10)]
    assert flood.count(429) >= 6
    assert status(balancer, OTHER) == 429  # loopback is not a listed proxy: no spoofing


def test_a_wrong_trusted_proxy_list_stops_up_before_it_starts_anything():
    wrong = Profile.create(PARTNERDESK_TRUSTED_PROXIES="10.0.0.0/8, proxy.example.com")
    try:
        result = subprocess.run(
            [str(SCRIPT), "up"],
            env={**os.environ, **wrong.env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "'proxy.example.com' is not an address or CIDR range" in result.stderr
        assert not (wrong.state_dir / "run").exists()
    finally:
        subprocess.run(["rm", "-rf", str(wrong.state_dir)], check=False)
