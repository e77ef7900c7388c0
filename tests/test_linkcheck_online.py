"""The online link checker against a real HTTP server on 127.0.0.1 (no mocks, no other host):
each kind of answer is classified correctly, within a bounded time. The check of the real
addresses is marked `external` and skipped unless asked for (`make linkcheck`, `pytest -m external`)."""
from __future__ import annotations

import asyncio

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from kit.links.online import BROKEN, MOVED, OK, REFUSED, Settings, check_urls, project_addresses
from scripts import linkcheck

SLOW_SECONDS = 3.0
# trust_env=False: a proxy set on the developer's machine must not stand between the checker and 127.0.0.1
FAST = Settings(timeout=0.5, retries=1, backoff=0.05, concurrency=8, per_host=4, trust_env=False)


class Handler(BaseHTTPRequestHandler):
    """Each path is one case. The server counts requests per path (for the retry and cache tests)
    and the largest number in flight at once (for the concurrency limits)."""

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def _answer(self, code: int, location: str | None = None, body: bytes = b"ok") -> None:
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self) -> None:
        server = self.server
        path = self.path.split("?")[0]
        with server.lock:
            server.log.append((self.command, path, self.headers.get("User-Agent", "")))
            server.hits[path] = server.hits.get(path, 0) + 1
            hits = server.hits[path]
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            if path == "/ok":
                self._answer(200)
            elif path == "/moved":
                self._answer(301, "/ok")
            elif path == "/temporary":
                self._answer(302, "/ok")
            elif path == "/loop-a":
                self._answer(302, "/loop-b")
            elif path == "/loop-b":
                self._answer(302, "/loop-a")
            elif path == "/missing":
                self._answer(404)
            elif path == "/gone":
                self._answer(410)
            elif path == "/flaky":  # fails once, then works
                self._answer(500 if hits == 1 else 200)
            elif path == "/always-500":
                self._answer(500)
            elif path == "/rate-limited":  # asks the checker to wait a second, once
                if hits == 1:
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._answer(200)
            elif path == "/no-head":
                self._answer(405 if self.command == "HEAD" else 200)
            elif path == "/forbidden":
                self._answer(403)
            elif path == "/slow":
                time.sleep(SLOW_SECONDS)
                self._answer(200)
            elif path.startswith("/busy/"):  # for the concurrency limits
                time.sleep(0.15)
                self._answer(200)
            else:
                self._answer(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up waiting (the slow case)
        finally:
            with server.lock:
                server.in_flight -= 1

    do_HEAD = _route
    do_GET = _route


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.log: list[tuple[str, str, str]] = []
        self.hits: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture()
def server():
    s = Server()
    thread = threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    s.shutdown()
    s.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, noted, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_kind_of_answer_is_classified_within_bounded_time(server):
    dead = f"http://127.0.0.1:{closed_port()}/anything"
    cases = {
        server.url("/ok"): (OK, 200),
        server.url("/moved"): (MOVED, 200),
        server.url("/temporary"): (OK, 200),
        server.url("/loop-a"): (BROKEN, None),
        server.url("/missing"): (BROKEN, 404),
        server.url("/gone"): (BROKEN, 410),
        server.url("/flaky"): (OK, 200),
        server.url("/always-500"): (BROKEN, 500),
        server.url("/no-head"): (OK, 200),
        server.url("/forbidden"): (REFUSED, 403),
        server.url("/slow"): (BROKEN, None),
        dead: (BROKEN, None),
    }
    start = time.perf_counter()
    run = check_urls(list(cases), FAST)
    took = time.perf_counter() - start
    got = {r.url: (r.verdict, r.status) for r in run.results}
    assert got == cases
    # Bounded: the slow case costs (1 + retries) timeouts plus the backoff, in parallel with the rest,
    # and never waits for the server's full SLOW_SECONDS.
    bound = (FAST.retries + 1) * FAST.timeout + 2 * FAST.backoff + 1.5
    assert took < bound, f"the run took {took:.2f} s (bound {bound:.2f} s)"
    print(f"\nonline checker on the local server: {len(cases)} addresses in {took:.2f} s")

    r = {x.url: x for x in run.results}
    moved = r[server.url("/moved")]
    assert moved.final_url == server.url("/ok") and moved.redirects == [(301, server.url("/ok"))]
    assert server.url("/ok") in moved.message and "update docs/data/links.yml" in moved.message
    assert r[server.url("/temporary")].redirects == [(302, server.url("/ok"))]
    assert "redirect loop" in r[server.url("/loop-a")].message
    assert "410" in r[server.url("/gone")].message and "404" in r[server.url("/missing")].message
    assert r[server.url("/flaky")].attempts == 2 and server.hits["/flaky"] == 2  # retried once, then fine
    assert r[server.url("/always-500")].attempts == FAST.retries + 1
    assert r[server.url("/no-head")].method == "GET"
    assert ("HEAD", "/no-head") in [(m, p) for m, p, _ in server.log]
    assert "timed out" in r[server.url("/slow")].message and r[server.url("/slow")].attempts == FAST.retries + 1
    assert "could not connect" in r[dead].message
    # A polite User-Agent on every request, saying what it is
    agents = {ua for _, _, ua in server.log}
    assert agents == {FAST.user_agent} and "LinkCheck" in FAST.user_agent


def test_retries_back_off_and_respect_retry_after(server):
    settings = Settings(timeout=1, retries=2, backoff=0.2, max_backoff=5, trust_env=False)
    start = time.perf_counter()
    [r] = check_urls([server.url("/always-500")], settings).results
    took = time.perf_counter() - start
    assert r.verdict == BROKEN and r.attempts == 3 and "after 3 attempts" in r.message
    assert took >= 0.2 + 0.4  # paused 0.2 s, then 0.4 s
    start = time.perf_counter()
    [r] = check_urls([server.url("/rate-limited")], settings).results
    assert r.verdict == OK and r.attempts == 2
    assert time.perf_counter() - start >= 1.0  # waited as the server asked, not just 0.2 s


def test_ok_answers_are_fetched_with_head_only(server):
    check_urls([server.url("/ok")], FAST)
    assert [m for m, _, _ in server.log] == ["HEAD"]


def test_a_caller_already_running_an_event_loop_gets_the_same_answer(server):
    """As in a test process whose browser (Playwright's sync API) keeps an event loop running."""
    async def inside_a_loop():
        return check_urls([server.url("/ok")], FAST)

    # on a thread of its own, as this one may be running the browser's loop already
    with ThreadPoolExecutor(max_workers=1) as thread:
        run = thread.submit(asyncio.run, inside_a_loop()).result()
    assert [r.verdict for r in run.results] == [OK]
    assert [m for m, _, _ in server.log] == ["HEAD"]


@pytest.mark.parametrize("concurrency, per_host", [(8, 2), (3, 8)])
def test_concurrency_and_per_host_limits_hold(server, concurrency, per_host):
    urls = [server.url(f"/busy/{i}") for i in range(10)]
    settings = Settings(timeout=2, retries=0, backoff=0.05, concurrency=concurrency, per_host=per_host, trust_env=False)
    run = check_urls(urls, settings)
    assert all(r.verdict == OK for r in run.results)
    assert 1 < server.max_in_flight <= min(concurrency, per_host)


def test_the_cache_makes_a_rerun_quick_and_keeps_the_age(server, tmp_path):
    cache = tmp_path / "linkcheck.json"
    urls = [server.url("/ok"), server.url("/moved"), server.url("/missing")]
    first = check_urls(urls, FAST, cache)
    assert not any(r.cached for r in first.results)
    requests_first = len(server.log)
    second = check_urls(urls, FAST, cache)
    by_url = {r.url: r for r in second.results}
    # ok and warnings come from the cache, with their age; a broken address is always checked again
    assert by_url[server.url("/ok")].cached and by_url[server.url("/moved")].cached
    assert not by_url[server.url("/missing")].cached
    assert {p for _, p, _ in server.log[requests_first:]} == {"/missing"}
    assert all(0 <= by_url[u].age < 60 for u in urls)
    assert by_url[server.url("/moved")].verdict == MOVED and by_url[server.url("/moved")].final_url == server.url("/ok")
    # an old result is checked again
    expired = Settings(**{**FAST.__dict__, "max_age": 0})
    third = check_urls(urls, expired, cache)
    assert not any(r.cached for r in third.results)
    data = json.loads(cache.read_text())
    assert set(data["results"]) == set(urls) and all("checked_at" in r for r in data["results"].values())


def test_a_damaged_cache_is_only_a_slower_run(server, tmp_path):
    cache = tmp_path / "linkcheck.json"
    cache.write_text("{not json")
    run = check_urls([server.url("/ok")], FAST, cache)
    assert run.results[0].verdict == OK
    assert json.loads(cache.read_text())["version"] == 1


def test_command_line_checks_the_projects_addresses_and_writes_the_report(server, tmp_path, monkeypatch):
    """`linkcheck.py --external` on a copy of the project whose links point at the local server."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # the command line honours proxies; 127.0.0.1 needs none
    project = copy_project(tmp_path / "project")
    links = project / "docs" / "data" / "links.yml"
    text = links.read_text()
    addresses = project_addresses(project)
    special = {"iwf": "/missing", "childnet": "/moved", "ico": "/gone"}
    for url, ids in addresses.items():
        path = next((special[i] for i in ids if i in special), f"/ok?{ids[0]}")
        text = text.replace(f"url: {url}\n", f"url: {server.url(path)}\n")
    links.write_text(text)
    assert all(u.startswith(server.url("/")) for u in project_addresses(project))
    report = tmp_path / "out" / "report.md"
    cache = tmp_path / "cache.json"
    argv = ["--external", "--root", str(project), "--report", str(report), "--cache", str(cache),
            "--timeout", "1", "--retries", "1", "--backoff", "0.05"]
    start = time.perf_counter()
    assert linkcheck.main(argv) == 1  # broken links: a non-zero exit
    took = time.perf_counter() - start
    print(f"\nonline checker, whole project on the local server: {len(addresses)} addresses in {took:.2f} s")
    md = report.read_text()
    data = json.loads(report.with_suffix(".json").read_text())
    assert "## Broken: fix these (2)" in md and "## Moved permanently: update these (1)" in md
    assert "| iwf |" in md and "not found (404)" in md and "gone (410)" in md
    rows = {r["labels"][0]: r for r in data["results"]}
    assert rows["iwf"]["verdict"] == "broken" and rows["iwf"]["status"] == 404
    assert rows["childnet"]["verdict"] == "moved" and rows["childnet"]["final_url"].endswith("/ok")
    for r in data["results"]:
        assert {"url", "status", "final_url", "checked_at", "age_seconds"} <= set(r)
    assert data["summary"] == {"total": len(addresses), "broken": 2, "warnings": 1}
    # fixed: the rerun uses the cache for the rest, and exits 0
    links.write_text(text.replace(server.url("/missing"), server.url("/ok?iwf")).replace(server.url("/gone"), server.url("/ok?ico")))
    before = len(server.log)
    assert linkcheck.main(argv) == 0
    assert len(server.log) - before == 2  # only the two addresses not in the cache
    assert linkcheck.main([*argv, "--strict"]) == 2  # the moved address is a warning


@pytest.mark.external
def test_the_real_external_addresses_work(tmp_path):
    """Every address in docs/data/links.yml on the real web (run with `pytest -m external`)."""
    report = ROOT / ".cache" / "linkcheck-report.md"
    run = check_urls(project_addresses(ROOT), Settings(), ROOT / ".cache" / "linkcheck.json")
    from kit.links.online_report import write_report

    write_report(run, report, report.with_suffix(".json"))
    assert not run.broken, "broken addresses (see .cache/linkcheck-report.md):\n" + "\n".join(
        f"  {r.url} [{', '.join(r.labels)}]: {r.message}" for r in run.broken)
