"""One source, two engines: the whole kit built with Zensical (`make build ENGINE=zensical`) against
the MkDocs + Material build of the same sources (the session's `site`).

Both must publish the same pages with the same words, nothing left unfilled, the board's identity
and every page's review dates, and both must pass axe-core and search from file://.

    .venv/bin/python -m pytest tests/test_engines.py -q
"""
from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kit.model import Project
from kit.outputs import DOCUMENTS, OFFLINE_ZIP
from tests.browser_support import WIDTHS, built_pages, format_violations, run_axe, serve, site_prefix

SIMILAR = 0.95  # share of a page's words the two engines must have in common


def content_words(site: Path, rel: str) -> list[str]:
    """The words of a page's article, as a reader gets them (no theme chrome, no permalink marks)."""
    soup = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner") or soup.find("article") or soup.body
    for el in article.select(".headerlink, script, style, a#__skip"):
        el.decompose()
    return re.findall(r"[\w'’.,:;()–-]+", article.get_text(" "))


def test_both_engines_publish_the_same_pages_and_files(site: Path, zensical_site: Path) -> None:
    assert built_pages(zensical_site) == built_pages(site)
    for name in DOCUMENTS.values():
        assert (zensical_site / "downloads" / name).is_file(), name
    assert sorted(p.name for p in (zensical_site / "downloads" / "posters").iterdir()) == \
        sorted(p.name for p in (site / "downloads" / "posters").iterdir())
    assert (zensical_site / OFFLINE_ZIP).is_file()


def test_every_page_has_the_same_words_with_both_engines(site: Path, zensical_site: Path) -> None:
    low = {}
    for rel in built_pages(site):
        if rel == "404.html":
            continue
        a, b = content_words(site, rel), content_words(zensical_site, rel)
        ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        if ratio < SIMILAR:
            diff = [d for d in difflib.ndiff(a, b) if d[:1] in "+-"][:20]
            low[rel] = (round(ratio, 3), diff)
    assert not low, f"pages whose words differ between the engines: {low}"


def _unfilled(site: Path) -> list[str]:
    found = []
    for rel in built_pages(site):
        soup = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        for code in soup.find_all(["code", "pre"]):
            code.decompose()  # How to edit shows {{ … }} as examples, on purpose
        if "{{" in soup.get_text() or "{%" in soup.get_text():
            found.append(rel)
    return found


def test_nothing_is_left_unfilled_with_either_engine(site: Path, zensical_site: Path) -> None:
    assert _unfilled(site) == [] and _unfilled(zensical_site) == []


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_board_identity_and_review_dates_with_each_engine(engine: str, site: Path, zensical_site: Path, project: Project) -> None:
    built = site if engine == "mkdocs" else zensical_site
    board = project.board
    home = (built / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(home, "html.parser")
    assert board.name in soup.select_one(".md-copyright").get_text()
    logo = soup.select_one(".md-logo img")
    assert logo is not None and logo["src"].endswith(board.logo) and logo["alt"] == board.logo_alt
    assert f"--md-primary-fg-color: {board.colour}" in home
    assert any(link.get("href", "").endswith(board.logo) for link in soup.find_all("link", rel="icon"))
    reporting = (built / "reporting-concerns.html").read_text(encoding="utf-8")
    for contact in board.contacts:
        assert contact.label in reporting and (contact.phone or contact.url or contact.email) in reporting
    for rel, page in project.pages.items():
        if page.next_review is None:
            continue
        review = BeautifulSoup((built / rel.replace(".md", ".html")).read_text(encoding="utf-8"), "html.parser").select_one(".sg-review")
        assert review is not None and review["data-sg-next-review"] == page.next_review.isoformat(), rel
        assert [t["datetime"] for t in review.find_all("time")] == [page.last_reviewed.isoformat(), page.next_review.isoformat()], rel


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values())
def test_axe_finds_nothing_on_the_zensical_site(browser, zensical_site: Path, project: Project, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    with serve(zensical_site, site_prefix(project.board.site_url)) as base:
        for rel in built_pages(zensical_site):
            page.goto(base + rel)
            violations = run_axe(page)
            if violations:
                problems.append(format_violations(violations, f"{rel} at {width} px"))
    page.close()
    assert not problems, "\n".join(problems)


def zensical_search(page, query: str) -> list[str]:
    """Zensical's search is a dialog in a web component's shadow DOM (Playwright's locators reach
    into it): open it, type, and return the addresses of the results."""
    page.click(".md-search__button")
    page.locator("dialog input").first.wait_for(timeout=15_000)
    page.keyboard.type(query, delay=20)
    results = page.locator("dialog a[href*='?h=']")
    results.first.wait_for(timeout=15_000)
    return [results.nth(i).get_attribute("href") or "" for i in range(results.count())]


@pytest.mark.browser
def test_search_works_from_file_with_zensical(browser, zensical_site: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(zensical_site / OFFLINE_ZIP) as zf:
        zf.extractall(tmp_path)
    [folder] = list(tmp_path.iterdir())
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for rel in ("index.html", "topics/email.html"):
        page.goto(folder.joinpath(rel).as_uri())
        hrefs = zensical_search(page, "webcam")
        assert any(h.startswith("file://") and "topics/live-streaming.html" in h for h in hrefs), (rel, hrefs)
    page.close()
