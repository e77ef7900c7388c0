"""Helpers for the real-browser tests: Debian's Chromium through Playwright, a local server, axe-core.

Used by tests/test_browser.py and scripts/bench_web.py. Never `playwright install`: the browser is
the system's /usr/bin/chromium (`apt-get install -y chromium`).
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "tests" / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at A and AA, plus axe's best practices. No rule is ever disabled.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = {"desktop": 1280, "narrow": 320}
LOCAL_HOSTS = {"127.0.0.1"}


def launch(playwright):  # -> playwright Browser
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# --------------------------------------------------------------------------- pages of the site
def source_pages(root: Path = ROOT) -> list[str]:
    """The HTML pages the build makes from docs/ (use_directory_urls: false), plus 404.html.

    Known before anything is built, so tests can be parametrised over them; a test checks that the
    built site has exactly these pages, so a page can never escape the checks.
    """
    docs = root / "docs"
    skip = {"includes", "data", "assets"}
    pages = {"404.html"}
    for md in docs.rglob("*.md"):
        rel = md.relative_to(docs)
        if rel.parts[0] in skip:
            continue
        pages.add(rel.with_suffix(".html").as_posix())
    return sorted(pages)


def built_pages(site: Path) -> list[str]:
    """Every HTML file in the built site except the downloads (posters, documents are not web pages)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] != "downloads")


# --------------------------------------------------------------------------- local server
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        # The site lives under `prefix`, as on the board's server; anything else is a 404.
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0-not-here")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Like the board's web server: a missing page gets the site's own 404.html.
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test output clean
        pass


def site_prefix(site_url: str) -> str:
    """The path the site is published under, e.g. "/online-safety/" (404.html uses absolute links to it)."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `directory` at `prefix` on 127.0.0.1, on a free port; yields the site's base URL (ends in "/")."""
    handler = functools.partial(type("Handler", (_QuietHandler,), {"prefix": prefix}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --------------------------------------------------------------------------- requests
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}


def is_local(url: str) -> bool:
    """True unless the URL goes over the network to a host other than 127.0.0.1.

    file:, data:, blob:, about: and the browser's own built-in pages (chrome:, chrome-extension:,
    e.g. its PDF viewer) never leave the machine.
    """
    parts = urlsplit(url)
    if parts.scheme not in NETWORK_SCHEMES:
        return True
    return parts.hostname in LOCAL_HOSTS


class RequestLog:
    """Records every request of a browser context and blocks (aborts) any to another host.

    Blocking keeps the tests private even when they fail; `outside` still lists what was tried.
    """

    def __init__(self, context) -> None:
        self.urls: list[str] = []
        self.outside: list[str] = []
        context.on("request", self._seen)
        context.route("**/*", self._route)

    def _seen(self, request) -> None:
        self.urls.append(request.url)
        if not is_local(request.url) and request.url not in self.outside:
            self.outside.append(request.url)

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            if route.request.url not in self.outside:
                self.outside.append(route.request.url)
            route.abort("blockedbyclient")

    def clear(self) -> None:
        self.urls.clear()
        self.outside.clear()


# --------------------------------------------------------------------------- many pages at once
# Every Content Security Policy violation of the page and of its frames (the file:// search runs in an iframe).
LISTEN_CSP = """document.addEventListener('securitypolicyviolation', e => {
  let w = window;
  try { w = window.top; w.__sgViolations; } catch (_) { w = window; }
  (w.__sgViolations = w.__sgViolations || []).push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI}`);
});"""


@dataclass
class Visit:
    """What loading a set of pages asked for and broke."""
    pages: list[str]  # the addresses loaded
    urls: list[str] = field(default_factory=list)  # every request made (RequestLog.urls)
    outside: list[str] = field(default_factory=list)  # requests to another host (blocked)
    violations: dict[str, list[str]] = field(default_factory=dict)  # page -> its CSP violations


TABS_AT_ONCE = 6


def visit_all_at_once(browser, urls: list[str], **context_options) -> Visit:
    """Load every address in its own tab of one fresh context, all at once, and let each settle
    (network idle: search index, fonts, images). Records every request (any to another host is
    blocked, see RequestLog) and, for each page, the CSP violations: the securitypolicyviolation
    events of the page and its frames, and the console messages in which Chromium reports one."""
    context = browser.new_context(**context_options)
    context.add_init_script(LISTEN_CSP)
    log = RequestLog(context)
    visit = Visit(list(urls))
    try:
        # a few tabs at a time: every page builds its search index as it loads, and thirty at once
        # on a two-core machine can take longer than a page's time limit
        for start in range(0, len(urls), TABS_AT_ONCE):
            tabs = []
            for url in urls[start:start + TABS_AT_ONCE]:
                page = context.new_page()
                console: list[str] = []
                page.on("console", lambda m, said=console: said.append(m.text))
                page.goto(url, wait_until="commit")
                tabs.append((url, page, console))
            for url, page, console in tabs:
                page.wait_for_load_state("networkidle")
                found = page.evaluate("window.__sgViolations || []") + [m for m in console if "Content Security Policy" in m]
                if found:
                    visit.violations[url] = found
                page.close()
        visit.urls, visit.outside = list(log.urls), list(log.outside)
        return visit
    finally:
        context.close()


# --------------------------------------------------------------------------- axe-core
def run_axe(page) -> list[dict]:
    """Inject the vendored axe-core and return its violations for the whole document."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content Security Policy does not
        # govern: add_script_tag would write an inline <script>, which the policy rightly blocks.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        AXE_TAGS,
    )
    return result


def format_violations(violations: list[dict], where: str) -> str:
    """A readable report: rule, impact, help URL, then each failing element and why."""
    lines = [f"{len(violations)} axe-core violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node.get("target", []))
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
        if len(v.get("nodes", [])) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)
