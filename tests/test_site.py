"""The built site: every section exists, topic pages have all their parts, review dates show,
the board's identity comes from config only, the source's key statements are published, and
nothing loads from another host."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from kit.model import Project

PAGES = {
    "index.html": "Safer working practice online",
    "social-media.html": "What do we mean by social media",
    "introduction.html": "Introduction",
    "background.html": "Background",
    "legal-consequences.html": "Legal consequences",
    "case-law.html": "Recent case law",
    "topics/social-networking.html": "Social networking",
    "topics/email.html": "Email",
    "topics/images.html": "Images (still and moving)",
    "topics/mobile-phones.html": "Mobile phones",
    "topics/live-streaming.html": "Live streaming media",
    "topics/using-the-internet.html": "Using the internet",
    "good-practice-summary.html": "Summary of good practice",
    "general-guidelines.html": "General guidelines",
    "reporting-concerns.html": "What to do if you have concerns",
    "sources.html": "Sources of information",
    "policy/model-social-media-policy.html": "Model social media policy",
    "policy/employee-declaration-form.html": "Employee declaration form",
    "accessibility.html": "Accessibility statement",
    "about.html": "About this guidance",
    "how-to-edit.html": "How to edit",
    "posters.html": "Posters",
    "downloads.html": "Downloads",
}

# Statements of the source that must reach readers word for word (typos fixed).
KEY_STATEMENTS = {
    "background.html": "All digital records should be considered to be permanent.",
    "introduction.html": "This document is guidance only",
    "social-media.html": "any electronic communication that enables people to stay in touch online",
    "good-practice-summary.html": "Switch off any Bluetooth capability any device may have installed as standard.",
    "topics/social-networking.html": "Go for quality not quantity.",
    "topics/using-the-internet.html": "keystroke monitoring software does just that",
    "reporting-concerns.html": "always dial 999 for police assistance",
    "case-law.html": "struck off in September 2010",
    "legal-consequences.html": "Summary offences include less serious offences",
    "policy/model-social-media-policy.html": "This document is intended to provide advice and guidance only",
}


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def text(site: Path, rel: str) -> str:
    article = soup(site, rel).find("article")
    assert article is not None, f"{rel} has no article"
    return " ".join(article.get_text(" ").split())


@pytest.mark.parametrize("rel,title", PAGES.items())
def test_every_section_has_its_page(site: Path, rel: str, title: str) -> None:
    page = soup(site, rel)
    h1 = page.find("h1")
    assert h1 is not None and title.lower() in h1.get_text().lower(), f"{rel}: heading is {h1}"
    assert page.html["lang"] == "en-GB"


@pytest.mark.parametrize("rel", sorted(PAGES))
def test_every_page_shows_its_review_dates(site: Path, rel: str) -> None:
    review = " ".join(soup(site, rel).find(class_="sg-review").get_text().split())
    assert re.search(r"^Page last reviewed \d{1,2} \w+ 20\d\d\. Next review due \d{1,2} \w+ 20\d\d", review), review


def test_topic_pages_have_every_part_with_items(site: Path, project: Project) -> None:
    assert [t.slug for t in project.topics] == [
        "social-networking", "email", "images", "mobile-phones", "live-streaming", "using-the-internet"]
    for topic in project.topics:
        page = soup(site, f"topics/{topic.slug}.html")
        assert topic.headline in page.find(class_="sg-rule").get_text(" ")
        for band, label in (("best", "Best practice"), ("safe", "Safe practice"), ("poor", "Poor practice")):
            section = page.find("section", class_=f"sg-band--{band}")
            assert section is not None, f"{topic.slug}: no {label} band"
            # The meaning is in words and an icon, not only in colour.
            assert label in section.find("h2").get_text()
            assert section.find("svg", attrs={"aria-hidden": "true"}) is not None
            items = [li.get_text(" ", strip=True) for li in section.find_all("li")]
            assert items == [re.sub(r"\s+", " ", i) for i in getattr(topic, band)] or (band == "poor" and topic.source_note)
        for part_id in ("consequences-of-poor-practice", "what-should-be-in-place"):
            heading = page.find(id=part_id)
            assert heading is not None, f"{topic.slug}: no {part_id}"
            assert heading.find_next_sibling("ul").find("li") is not None
        assert "always dial 999" in text(site, f"topics/{topic.slug}.html")
        assert topic.best and topic.safe and topic.consequences and topic.in_place


def test_summary_has_nine_appropriate_and_seven_inappropriate_points(project: Project) -> None:
    assert project.summary is not None
    assert len(project.summary.parts["Appropriate"]) == 9
    assert len(project.summary.parts["Inappropriate"]) == 7
    assert project.guidelines is not None
    assert len(project.guidelines.parts["Do not"]) == 3


def test_offences_table_is_built_from_the_data_file(site: Path, project: Project) -> None:
    # two tables: the 2012 guidance's offences, then those it did not list, each in the data file's order
    tables = soup(site, "legal-consequences.html").find_all("table")
    assert len(tables) == 2
    rows = tables[0].find_all("tr")[1:] + tables[1].find_all("tr")[1:]
    ordered = [o for o in project.offences.rows if o.source == "original"] + [o for o in project.offences.rows if o.source == "added"]
    assert len(tables[0].find_all("tr")[1:]) == 6 and len(rows) == len(project.offences.rows) >= 9
    for row, offence in zip(rows, ordered):
        assert offence.offence in row.get_text(" ")
        hrefs = [a["href"] for a in row.find_all("a")]
        assert project.links[offence.link].url in hrefs
        assert project.links[offence.link].url.startswith("https://www.legislation.gov.uk/")
    page = text(site, "legal-consequences.html")
    assert "Online Safety Act 2023" in page
    assert "The 2012 guidance said" in page and "Changed by" in page
    assert "Not legal advice" in page and project.offences.checked_on.strftime("%Y") in page


@pytest.mark.parametrize("rel,statement", KEY_STATEMENTS.items())
def test_key_statements_of_the_source_are_published(site: Path, rel: str, statement: str) -> None:
    assert statement in text(site, rel)


def test_typos_of_the_source_are_fixed(site: Path) -> None:
    everything = " ".join(text(site, rel) for rel in PAGES)
    for typo in ("APPRORIATE", "organsiational", "organisationlors", "list in not exhaustive"):
        assert typo not in everything


def test_board_identity_comes_only_from_config(site: Path, project: Project) -> None:
    board = project.board
    needles = [board.name, board.short_name] + [c.phone for c in board.contacts if c.phone and len(c.phone) > 5]
    for folder in ("docs", "overrides", "kit", "hooks", "posters", "scripts", "documents"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file() and f.suffix in {".md", ".html", ".py", ".css", ".js", ".yml", ".svg", ".j2"}:
                body = f.read_text(encoding="utf-8", errors="ignore")
                for needle in needles:
                    assert not re.search(rf"\b{re.escape(needle)}\b", body), f"{f.relative_to(ROOT)} writes out '{needle}'"
    # ... and it reaches the pages from there.
    assert board.name in text(site, "introduction.html")
    assert board.name in soup(site, "index.html").find("footer").get_text()


def test_placeholders_are_marked_fill_in_fields(site: Path) -> None:
    marks = soup(site, "policy/model-social-media-policy.html").find_all("mark", class_="sg-placeholder")
    assert len(marks) >= 10
    assert any("(Insert name of Organisation)" in m.get_text() for m in marks)


def test_concerns_page_lists_board_contacts_and_current_addresses(site: Path, project: Project) -> None:
    page = soup(site, "reporting-concerns.html")
    body = page.find("article").get_text(" ")
    for contact in project.board.contacts:
        assert contact.label in body
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert project.links["ceop-safety-centre"].url in hrefs
    assert any(h.startswith("https://www.iwf.org.uk/") for h in hrefs)


RESOURCE_ATTRS = (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                  ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"))


def test_built_site_loads_nothing_from_another_host(site: Path) -> None:
    offenders = []
    for f in site.rglob("*.html"):
        page = BeautifulSoup(f.read_text(encoding="utf-8"), "lxml")
        for tag, attr in RESOURCE_ATTRS:
            for el in page.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and not set(el.get("rel", [])) & {"stylesheet", "preconnect", "preload", "icon", "modulepreload", "dns-prefetch"}:
                    continue
                if urlparse(url).netloc:
                    offenders.append(f"{f.relative_to(site)}: <{tag} {attr}={url}>")
    for f in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//", f.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(f"{f.relative_to(site)}: url() to another host")
    assert not offenders, "\n".join(offenders)
    assert "fonts.googleapis.com" not in (site / "index.html").read_text()
