"""Review dates are enforced: the build warns, `make check-reviews` fails when a page is overdue,
overdue pages say so to readers, and the Review schedule and What's new pages are complete."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from kit.model import Project, reviews

FUTURE = "2031-01-01"  # after every page's next_review
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(script: str, *args: str, today: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**ENV, "SG_TODAY": today} if today else {k: v for k, v in ENV.items() if k != "SG_TODAY"}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=300)


def earliest_review(project: Project) -> dt.date:
    return min(p.next_review for p in project.pages.values() if p.next_review)


def test_status_boundaries() -> None:
    day = dt.date(2027, 1, 31)
    assert reviews.status(day, day + dt.timedelta(days=1)) == "overdue"
    assert reviews.status(day, day) == "due soon"
    assert reviews.status(day, day - dt.timedelta(days=30)) == "due soon"
    assert reviews.status(day, day - dt.timedelta(days=31)) == "current"


def test_sg_today_fixes_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_TODAY", "2030-02-03")
    assert reviews.today() == dt.date(2030, 2, 3)
    monkeypatch.setenv("SG_TODAY", "not a date")
    assert reviews.today() == dt.date.today()


def test_check_reviews_passes_when_nothing_is_overdue(project: Project) -> None:
    day = earliest_review(project) - dt.timedelta(days=1)
    result = run("check_reviews.py", today=str(day))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No page is overdue for review." in result.stdout
    for page in project.pages.values():
        assert page.file in result.stdout  # the table lists every page


def test_check_reviews_fails_and_lists_overdue_pages(project: Project) -> None:
    day = earliest_review(project) + dt.timedelta(days=1)
    result = run("check_reviews.py", "--today", str(day))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    overdue = [p for p in project.pages.values() if p.next_review and p.next_review < day]
    assert overdue
    for page in overdue:
        assert re.search(rf"^{re.escape(page.file)}\s+{page.last_reviewed}\s+{page.next_review}\s+OVERDUE by \d+ days$",
                         result.stdout, re.M), output
    assert f"{len(overdue)} page" in result.stderr and "overdue for review" in result.stderr
    assert "Traceback" not in output


def test_check_reviews_rejects_a_bad_date_clearly() -> None:
    result = run("check_reviews.py", "--today", "31/12/2027")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


def test_build_warns_about_overdue_and_lists_due_soon(project: Project) -> None:
    first = earliest_review(project)
    due_soon = [p for p in project.pages.values() if p.next_review and 0 <= (p.next_review - (first - dt.timedelta(days=10))).days <= 30]
    result = run("build.py", "--check", today=str(first - dt.timedelta(days=10)))
    assert result.returncode == 0, result.stderr
    assert "Due for review within 30 days:" in result.stderr
    for page in due_soon:
        assert f"{page.file}: due {page.next_review}" in result.stderr
    result = run("build.py", "--check", today=FUTURE)
    assert result.returncode == 0, "an overdue page warns but does not stop the build"
    for page in project.pages.values():
        assert f"WARNING: {page.file}: overdue for review since {page.next_review}" in result.stderr


@pytest.fixture(scope="module")
def future_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The MkDocs site alone (no posters or documents) built as if it were FUTURE."""
    out = tmp_path_factory.mktemp("future") / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                            capture_output=True, text=True, env={**ENV, "SG_TODAY": FUTURE}, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def test_overdue_pages_show_a_notice(future_site: Path, project: Project) -> None:
    for rel, page in project.pages.items():
        html = rel.removesuffix(".md") + ".html"
        notice = soup(future_site, html).find(class_="sg-overdue")
        assert notice is not None, f"{html} has no overdue notice"
        assert "Overdue for review" in notice.get_text()
        assert page.next_review.strftime("%-d %B %Y") in notice.get_text()


def test_current_pages_show_no_notice(site: Path, project: Project) -> None:
    if any(reviews.status(p.next_review) == "overdue" for p in project.pages.values() if p.next_review):
        pytest.skip("some page is really overdue today")
    for rel in project.pages:
        assert soup(site, rel.removesuffix(".md") + ".html").find(class_="sg-overdue") is None, rel


def test_review_schedule_lists_every_page_with_dates_and_status(future_site: Path, project: Project) -> None:
    table = soup(future_site, "review-schedule.html").find("article").find("table")
    rows = table.find_all("tr")[1:]
    assert len(rows) == len(project.pages)
    by_href = {row.find("a")["href"]: [td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows}
    for rel, page in project.pages.items():
        cells = by_href[rel.removesuffix(".md") + ".html"]
        assert cells[0] == page.meta["title"]
        assert cells[1] == page.last_reviewed.strftime("%-d %B %Y")
        assert cells[2] == page.next_review.strftime("%-d %B %Y")
        assert cells[3].startswith("Overdue")


def test_review_schedule_in_the_real_build(site: Path, project: Project) -> None:
    text = soup(site, "review-schedule.html").find("article").get_text(" ")
    assert "Status as on" in text
    assert len(soup(site, "review-schedule.html").find("table").find_all("tr")) == len(project.pages) + 1


def test_whats_new_lists_the_changes_newest_first(site: Path, project: Project) -> None:
    assert project.whats_new, "docs/data/changes.yml has no entries"
    article = soup(site, "whats-new.html").find("article")
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in article.find_all("h2")]
    assert headings == [f"{n.date.strftime('%-d %B %Y')}: {n.title}" for n in project.whats_new]
    dates = [n.date for n in project.whats_new]
    assert dates == sorted(dates, reverse=True)
    text = " ".join(article.get_text(" ").split())
    # The first entries: the 2026 update (addresses, laws, what changed).
    for needle in ("CEOP Safety Centre", "Online Safety Act 2023", "10 years", "review schedule"):
        assert needle in text
    hrefs = {a["href"] for a in article.find_all("a", href=True)}
    assert "legal-consequences.html" in hrefs and project.links["ceop-safety-centre"].url in hrefs
