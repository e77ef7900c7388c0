"""Online link check: does every external address still work?

For each address: HEAD, then GET when the server refuses HEAD; redirects followed one by one and
reported (a permanent redirect is a warning naming the new address); a timeout; a few retries
with exponential backoff on server errors, rate limits and network failures; at most
`concurrency` requests at once and `per_host` to any one host; a polite User-Agent. Results are
cached in a JSON file with the time they were taken, so a rerun within `max_age` is quick.

Verdicts:
- "ok"       the address answers 2xx (perhaps after temporary redirects);
- "moved"    warning: it answers after a permanent redirect (301/308): update the address;
- "refused"  warning: the server refused the checker (401, 403, 429): check it in a browser;
- "broken"   4xx/5xx after retries, a redirect loop, too many redirects, a timeout, or no connection.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import ContentError, Problems
from ..model.config import load_config
from ..model.data import load_links
from .online_report import BROKEN, MOVED, OK, REFUSED, Result, Run, utc_now, load_cache, save_cache, write_report

__all__ = ["BROKEN", "MOVED", "OK", "REFUSED", "Result", "Run", "Settings", "check_urls", "project_addresses", "write_report"]

PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
RETRY_STATUS = {429, 500, 502, 503, 504}
REFUSED_STATUS = {401, 403, 429}


@dataclass
class Settings:
    timeout: float = 15.0  # seconds for each of connect, read, write
    retries: int = 2  # extra attempts after the first, for retryable failures
    backoff: float = 1.0  # first pause between attempts; doubles each time
    max_backoff: float = 30.0  # longest pause, including a server's Retry-After
    concurrency: int = 8  # requests at once, in all
    per_host: int = 2  # requests at once to one host
    max_redirects: int = 10
    max_age: float = 24 * 3600  # seconds a cached ok/warning result is reused
    trust_env: bool = True  # use HTTP(S)_PROXY and SSL_CERT_FILE from the environment, as a browser would
    user_agent: str = ("SaferWorkingPracticeLinkCheck/1.0 (checks the links of a safeguarding guidance site "
                       "about once a week; one request per page)")


class _Loop(Exception):
    pass


class _TooMany(Exception):
    pass


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


def _retry_after(response: httpx.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    if value and value.strip().isdigit():
        return float(value)
    return None


class Checker:
    def __init__(self, settings: Settings | None = None):
        self.s = settings or Settings()
        self._all: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        return self._hosts.setdefault(_host(url), asyncio.Semaphore(self.s.per_host))

    async def _request(self, client: httpx.AsyncClient, method: str, url: str) -> httpx.Response:
        assert self._all is not None
        # the host's slot first, then a global one: waiting on a busy host never holds a global slot
        async with self._host_limit(url), self._all:
            # stream: a GET reads the headers only, never a whole page or PDF
            async with client.stream(method, url) as response:
                return response

    async def _follow(self, client: httpx.AsyncClient, method: str, url: str) -> tuple[httpx.Response, str, list[tuple[int, str]]]:
        """One request, following redirects one hop at a time so each hop can be reported."""
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        for _ in range(self.s.max_redirects + 1):
            response = await self._request(client, method, current)
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return response, current, hops
            nxt = urljoin(current, location)
            hops.append((response.status_code, nxt))
            if nxt in seen:
                raise _Loop(" → ".join([url, *(h[1] for h in hops)]))
            seen.add(nxt)
            current = nxt
        raise _TooMany(f"more than {self.s.max_redirects} redirects")

    async def _probe(self, client: httpx.AsyncClient, url: str, last_try: bool) -> tuple[httpx.Response, str, list[tuple[int, str]], str]:
        """HEAD; GET if the server will not answer HEAD properly."""
        response, final, hops = await self._follow(client, "HEAD", url)
        code = response.status_code
        head_refused = code in (405, 501) or (400 <= code < 500 and code not in (410, 429))
        if head_refused or (code >= 500 and last_try):
            response, final, hops = await self._follow(client, "GET", url)
            return response, final, hops, "GET"
        return response, final, hops, "HEAD"

    async def check_one(self, client: httpx.AsyncClient, url: str) -> Result:
        start = time.perf_counter()
        attempts = 0
        response: httpx.Response | None = None
        final, hops, method, error = url, [], "HEAD", ""
        while True:
            attempts += 1
            last_try = attempts > self.s.retries
            retry = False
            error = ""
            try:
                response, final, hops, method = await self._probe(client, url, last_try)
                retry = response.status_code in RETRY_STATUS
            except _Loop as e:
                response, error = None, f"redirect loop: {e}"
            except _TooMany as e:
                response, error = None, str(e)
            except httpx.TimeoutException:
                response, error, retry = None, f"timed out (no answer within {self.s.timeout:g} s)", True
            except httpx.ConnectError as e:
                response, error, retry = None, f"could not connect ({e or 'connection refused'})", True
            except httpx.HTTPError as e:
                response, error, retry = None, f"network error: {type(e).__name__} ({e})", True
            if not retry or last_try:
                break
            pause = min(self.s.backoff * 2 ** (attempts - 1), self.s.max_backoff)
            pause = min(max(pause, _retry_after(response) or 0), self.s.max_backoff)
            await asyncio.sleep(pause)
        result = Result(url=url, verdict=BROKEN, status=None, final_url=final, message=error, checked_at=utc_now(),
                        redirects=hops, method=method, attempts=attempts, seconds=round(time.perf_counter() - start, 3))
        if response is None:
            return result
        code = result.status = response.status_code
        permanent = [to for status, to in hops if status in PERMANENT]
        if 200 <= code < 300:
            if permanent:
                result.verdict = MOVED
                result.message = f"moved permanently: the new address is {final}; update docs/data/links.yml"
            else:
                result.verdict = OK
                result.message = f"ok ({code})" + (f", via a temporary redirect to {final}" if hops else "")
        elif code in REFUSED_STATUS:
            result.verdict = REFUSED
            result.message = f"the server refused the checker ({code} {response.reason_phrase}): open the address in a browser to check it"
        elif code == 410:
            result.message = "gone (410): the page was removed on purpose; find its replacement"
        elif code == 404:
            result.message = "not found (404)" + (f" after redirects to {final}" if hops else "")
        elif code in REDIRECTS:
            result.message = f"a redirect ({code}) with no address to go to"
        else:
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            result.message = f"the server answered {code} {response.reason_phrase}{tries}"
        return result

    async def check_all(self, urls: Iterable[str]) -> list[Result]:
        self._all = asyncio.Semaphore(self.s.concurrency)
        self._hosts = {}
        timeout = httpx.Timeout(self.s.timeout)
        limits = httpx.Limits(max_connections=self.s.concurrency, max_keepalive_connections=self.s.concurrency)
        headers = {"User-Agent": self.s.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        async with httpx.AsyncClient(timeout=timeout, limits=limits, headers=headers, follow_redirects=False,
                                     trust_env=self.s.trust_env) as client:
            return list(await asyncio.gather(*(self.check_one(client, u) for u in urls)))


def check_urls(urls: dict[str, list[str]] | Iterable[str], settings: Settings | None = None,
               cache: Path | None = None) -> Run:
    """Check each address (a dict maps each to its labels, e.g. link ids); reuse fresh cached
    results (ok and warnings only: a broken address is always checked again)."""
    settings = settings or Settings()
    labels = urls if isinstance(urls, dict) else {u: [] for u in urls}
    start = time.perf_counter()
    old = load_cache(cache)
    results: dict[str, Result] = {}
    todo = []
    for url in labels:
        hit = old.get(url)
        if hit and hit.verdict != BROKEN and 0 <= hit.age <= settings.max_age:
            hit.cached = True
            results[url] = hit
        else:
            todo.append(url)
    if todo:
        for r in _run_to_end(Checker(settings).check_all(todo)):
            results[r.url] = r
    ordered = [results[u] for u in labels]
    for r in ordered:
        r.labels = list(labels[r.url])
    if cache is not None:
        save_cache(cache, ordered)
    return Run(ordered, time.perf_counter() - start, utc_now())


def _run_to_end(work: Coroutine[Any, Any, list[Result]]) -> list[Result]:
    """asyncio.run(work), also for a caller whose thread already runs an event loop (a notebook, or
    Playwright's sync API in the same test process), where asyncio.run refuses: then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def project_addresses(root: Path) -> dict[str, list[str]]:
    """Every external address the project publishes: docs/data/links.yml and the board's contacts."""
    p = Problems()
    urls: dict[str, list[str]] = defaultdict(list)
    for link in load_links(root, p, https_only=False).values():
        if link.url:
            urls[link.url].append(link.id)
    try:
        for c in load_config(root).board.contacts:
            if c.url:
                urls[c.url].append(f"contact: {c.label}")
    except ContentError as e:
        p.items += e.problems
    p.raise_if_any()
    return dict(urls)
