"""`make serve` shows the posters of the page being edited: the real serve (scripts/serve.py, both
engines) on a copy of the project, fetched over HTTP while its first bullet is edited and then made
too long for the poster; and a `make build` of the same copy afterwards has none of it.

    .venv/bin/python -m pytest tests/test_serve_preview.py -q
"""
from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import copy_project, same_date, with_caches
from kit.build import pipeline
from kit.model import Project
from kit.build.preview_page import PREVIEW_DIR, STATE, URL_ENV, preview_markup
from tests.browser_support import site_prefix

pytestmark = pytest.mark.slow  # real renders (make test-fast leaves them out)

PAGE = "docs/topics/email.md"
FIRST_BULLET = re.compile(r"(## Best practice\n\n- )[^\n]*")
IMG = re.compile(r'<img src="(http://127\.0\.0\.1:\d+/email-[0-9a-f]+\.png)"')
PREVIEW_MARKS = ("sg-poster-preview", "Poster preview", "sg-preview-")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Path:
    """A copy with the session build's caches (the preview renders only what an edit changes, and the
    build after serving only the edited page's outputs; the cache keys cover every input, so what
    an edit changes still renders)."""
    return with_caches(copy_project(tmp_path_factory.mktemp("serve-preview") / "project"), site)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes:
    """The body at `url`, waiting out the moments the engine's server is restarting (Zensical reloads
    itself when its watched files change)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_for(what: str, check: Callable[[], str | None], timeout: float) -> tuple[str, float]:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if (found := check()) is not None:
            return found, time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture(params=["mkdocs", "zensical"])
def served(request: pytest.FixtureRequest, root: Path, project: Project) -> Iterator[tuple[str, str]]:
    port = free_port()
    env = same_date({**os.environ, "PYTHONPATH": str(root), "NO_MKDOCS_2_WARNING": "1"})
    log = open(root.parent / f"serve-{request.param}.log", "w")
    proc = subprocess.Popen([sys.executable, "scripts/serve.py", "--engine", request.param,
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=root, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield request.param, f"http://127.0.0.1:{port}{site_prefix(project.board.site_url)}"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        sys.stderr.write((root.parent / f"serve-{request.param}.log").read_text()[-3000:])


def set_first_bullet(root: Path, text: str) -> None:
    page = root / PAGE
    page.write_text(FIRST_BULLET.sub(lambda m: m.group(1) + text, page.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")


def test_the_page_shows_its_poster_and_the_new_one_after_a_save_and_why_it_cannot_fit(
        root: Path, served: tuple[str, str]) -> None:
    engine, base = served
    page_url = base + "topics/email.html"

    def image(previous: str | None = None) -> Callable[[], str | None]:
        def check() -> str | None:
            page = fetch(page_url).decode()
            m = IMG.search(page)
            return m.group(1) if m and m.group(1) != previous and "Updating after" not in page else None
        return check

    first, seconds = wait_for(f"{engine}: a poster preview on the page", image(), timeout=240)
    print(f"\n{engine}: first poster preview on the page after {seconds:.1f} s")
    first_png = fetch(first)
    assert first_png.startswith(b"\x89PNG\r\n\x1a\n")
    page = fetch(page_url).decode()
    assert "Poster preview (only while editing; not published)" in page
    assert fetch(first.removesuffix(".png") + ".pdf").startswith(b"%PDF-")

    set_first_bullet(root, f"Ask your organisation for a work email account ({engine}, {time.time_ns()}).")
    second, seconds = wait_for(f"{engine}: the new poster after a save", image(first), timeout=30)
    assert fetch(second).startswith(b"\x89PNG") and fetch(second) != first_png
    print(f"{engine}: save to new poster preview on the page: {seconds:.1f} s")

    set_first_bullet(root, "Remember this before you send anything. " * 300)

    def error() -> str | None:
        text = html.unescape(fetch(page_url).decode())
        return text if "sg-preview-error" in text else None
    text, seconds = wait_for(f"{engine}: the poster's problem on the page", error, timeout=30)
    print(f"{engine}: save to the problem on the page: {seconds:.1f} s")
    assert re.search(r"docs/topics/email\.md: A4 poster: the 'Email' poster does not fit on one A4 page.*"
                     r"Cut about \d+ words", text), text[:3000]
    assert not IMG.search(text)
    set_first_bullet(root, "Your organisation should provide an email account for you to use.")


def test_a_build_after_serving_has_no_preview(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The serve's files are still in .cache/preview and its variables in the environment; the
    published build shows and copies none of it."""
    assert (root / PREVIEW_DIR / STATE).is_file(), "the serve tests above leave their preview behind"
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:9/")
    monkeypatch.delenv("SG_SERVE", raising=False)
    assert preview_markup(root, "topics/email.md") == ""
    site = tmp_path / "site"
    pipeline.build(root, site)
    for f in site.rglob("*"):
        assert not re.search(r"-[0-9a-f]{32}\.(png|pdf)$|^state\.json$|^stamp$", f.name), f
        if f.suffix == ".html":
            page = f.read_text(encoding="utf-8")
            assert not any(mark in page for mark in PREVIEW_MARKS), f
            assert "127.0.0.1" not in page, f
    monkeypatch.setenv("SG_SERVE", "1")
    assert "sg-poster-preview" in preview_markup(root, "topics/email.md")  # the check above is not vacuous
