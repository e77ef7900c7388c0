"""The Content Security Policy of the built site (kit/csp.py) in a real browser (Debian's Chromium):
no page breaks it, over http or from file://, search still works both ways, and a third-party image
injected into a page is blocked by the browser.

    .venv/bin/python -m pytest tests/test_browser_csp.py -q
"""
from __future__ import annotations

import contextlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.build.csp import remove_policy
from tests.browser_support import LISTEN_CSP, built_pages, serve, site_prefix
from tests.test_browser import search

class Tab:
    """A tab that records every CSP violation: the securitypolicyviolation events, and the
    console messages in which Chromium reports a violation (from any frame)."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.context.add_init_script(LISTEN_CSP)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text))

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__sgViolations || []")
        said = [m for m in self.console if "Content Security Policy" in m]
        return events + said


@pytest.fixture()
def csp_tab(browser):
    tabs: list[Tab] = []

    def new(**options) -> Tab:
        tabs.append(Tab(browser, **options))
        return tabs[-1]

    yield new
    for t in tabs:
        t.context.close()


# --------------------------------------------------------------------------- every page
@pytest.mark.browser
def test_no_page_breaks_the_policy_over_http(http_visit, site: Path, base_url: str):
    """Every page, and the 404 page as the answer for a missing address in a sub-folder, loads with
    0 CSP violations (events and console). The pages are loaded once, all at once, for this test and
    the privacy test (tests/conftest.py `http_visit`)."""
    assert http_visit.pages == [base_url + rel for rel in built_pages(site)] + [base_url + "topics/nope.html"]
    assert not http_visit.violations, http_visit.violations


@pytest.mark.browser
def test_no_page_breaks_the_policy_from_file(offline_visits, site: Path, offline_copy: Path):
    """The offline copy (unzipped downloads/offline-site.zip) opened from file://: 0 violations, at
    1280 and 320 px (tests/conftest.py `offline_visits`)."""
    pages = [rel for rel in built_pages(site) if rel != "404.html"]  # only ever served by a web server
    assert "Content-Security-Policy" in (offline_copy / "index.html").read_text(encoding="utf-8")
    for width, visit in offline_visits.items():
        assert visit.pages == [offline_copy.joinpath(rel).as_uri() for rel in pages]
        assert not visit.violations, (width, visit.violations)


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "file"])
@pytest.mark.parametrize("rel", ["index.html", "topics/email.html"])
def test_search_works_under_the_policy(csp_tab, base_url: str, offline_copy: Path, where: str, rel: str):
    """Search finds "webcam" from a page at the root and one in a sub-folder, with no violation. From
    file:// it runs through the vendored iframe-worker shim (the worker is an iframe), whose iframe
    needs no inline script."""
    tab = csp_tab(viewport={"width": 1280, "height": 900})
    url = base_url + rel if where == "http" else offline_copy.joinpath(rel).as_uri()
    tab.page.goto(url)
    tab.page.click(".md-search__input")
    titles = [r["title"] for r in search(tab.page, "webcam")]
    assert "Live streaming media" in titles, titles
    if where == "file":
        assert tab.page.evaluate("window.Worker === window.IFrameWorker && document.querySelectorAll('iframe[hidden]').length === 1")
    assert not tab.violations(), tab.violations()


# --------------------------------------------------------------------------- a third-party image
class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.2 (another host, as far as the page is concerned) that records requests."""
    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Recorder)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}", server.paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.browser
def test_an_injected_third_party_image_is_blocked(csp_tab, site: Path, project, tmp_path: Path):
    """In a copy of the built site, a page edited after the build to show an image from another
    host: the browser never requests it and reports the violation. The same page without its
    policy does request it, so the server would have seen it."""
    copy = shutil.copytree(site, tmp_path / "site", ignore=shutil.ignore_patterns("downloads"))
    page_file = copy / "topics" / "email.html"
    with recording_server() as (other_host, requests):
        text = page_file.read_text(encoding="utf-8")
        injected = text.replace("</article>", f'<img src="{other_host}/x.png" alt="tracker"></article>', 1)
        assert injected != text
        page_file.write_text(injected, encoding="utf-8")
        (copy / "topics" / "unprotected.html").write_text(remove_policy(injected), encoding="utf-8")
        with serve(copy, site_prefix(project.board.site_url)) as url:
            tab = csp_tab()
            tab.page.goto(url + "topics/email.html", wait_until="networkidle")
            violations = tab.violations()
            assert requests == [], f"the browser fetched the third-party image: {requests}"
            assert any("img-src" in v and other_host in v for v in violations), violations
            # The control: without the policy the same page fetches it.
            tab.page.goto(url + "topics/unprotected.html", wait_until="networkidle")
            assert "/x.png" in requests, requests
