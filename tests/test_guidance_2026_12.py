"""The December 2026 update (issue 13), checked on the built site, posters and documents: the two
offences tables, the 12-month magistrates' maximum, the "what changed" labels, the reporting routes,
the update notes, the example identity, and the 2012 guidance's own words restored.

Expected values are read from the data files (offences.yml, links.yml, changes.yml) and the pages'
front matter wherever they can be; the strings written here are the ones the issue fixes (the
2012 text's own words, and the labels the site promises readers)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from conftest import ROOT, copy_project
from kit.checks import load_project
from kit.errors import ContentError
from kit.model import Project
from kit import posters
from kit.model.data import NOT_STATED, maximum_cells
from kit.model.text import tagline
from kit.dates import long_date

TAGLINE = "Keeping Children and Young People Safe from Harm, Abuse and Neglect"  # the 2012 text's own
TEMPLATE_HEADING = "Template for Development of Organisational Social Media Policy"  # the 2012 text's own
UPDATE_MARKS = ("Updated December 2026", "Added December 2026", "About this page")


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def article(site: Path, rel: str) -> str:
    return words(soup(site, rel).find("article").get_text(" "))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).replace("\u00ad", ""))


def plain(markdown: str) -> str:
    return re.sub(r"<[^>]+>", "", str(posters.inline(markdown))).replace("&amp;", "&")


def poster_text(site: Path, slug: str, size: str) -> str:
    return squash(PdfReader(site / "downloads" / "posters" / f"{slug}-{size}.pdf").pages[0].extract_text())


def latest_news(project: Project):  # noqa: ANN201 - the newest changes.yml entries (this update)
    newest = project.whats_new[0].date
    return [n for n in project.whats_new if n.date == newest]


# --------------------------------------------------------------------------- law


def test_two_tables_keep_the_2012_offences_apart_from_those_it_did_not_list(site: Path, project: Project) -> None:
    page = soup(site, "legal-consequences.html")
    heading = next((h for h in page.find_all("h2") if "Offences the 2012 guidance did not list" in h.get_text()), None)
    assert heading is not None
    first, second = page.find_all("table")
    assert heading.find_next("table") is second and heading.find_previous("table") is first
    for table, source in ((first, "original"), (second, "added")):
        rows = table.find_all("tr")[1:]
        expected = [o for o in project.offences.rows if o.source == source]
        assert len(rows) == len(expected)
        for row, o in zip(rows, expected):
            cells = [words(td.get_text(" ")) for td in row.find_all("td")]
            assert words(plain(o.offence)) in cells[0]
            link = project.links[o.link]
            assert link.url.startswith("https://www.legislation.gov.uk/") and link.checked_on is not None
            assert link.url in [a["href"] for a in row.find_all("a")]
            summary, indictment = maximum_cells(o)
            assert cells[-2:] == [words(summary), words(indictment)]
            if source == "added":
                assert cells[2] == words(o.in_force or "Not stated")
    assert len(first.find_all("tr")) - 1 == 6  # the 2012 guidance's six offences


def test_the_issue_s_new_offences_are_in_the_second_table(project: Project, site: Path) -> None:
    added = {o.id: o for o in project.offences.rows if o.source == "added"}
    sections = {(o.statute, o.section) for o in added.values()}
    for wanted in [("Sexual Offences Act 2003", s) for s in ("ss.16–19", "s.22A", "s.15A", "s.66A", "s.66B")] + [
            ("Protection of Children Act 1978", "s.1"), ("Criminal Justice Act 1988", "s.160"),
            ("Crime and Policing Act 2026", "c.20")]:
        assert wanted in sections, f"offences.yml has no added row for {wanted}"
    table = soup(site, "legal-consequences.html").find_all("table")[1]
    intimate = next(o for o in added.values() if o.section == "s.66B")
    duty = next(o for o in added.values() if o.statute == "Crime and Policing Act 2026")
    for o in (intimate, duty):  # no maximum is published for either
        assert o.mode == "not stated" and not o.summary and not o.indictment
        row = next(tr for tr in table.find_all("tr") if words(plain(o.offence)) in words(tr.get_text(" ")))
        assert words(row.get_text(" ")).count(NOT_STATED) == 2
    assert "check when it comes into force" in duty.in_force.lower()
    assert words(duty.in_force) in article(site, "legal-consequences.html")


def test_either_way_offences_show_the_12_month_summary_maximum_with_what_changed(site: Path, project: Project) -> None:
    text = article(site, "legal-consequences.html")
    either_way = [o for o in project.offences.rows if o.source == "original" and o.mode == "either way"]
    assert len(either_way) == 4
    for o in either_way:
        assert "12 months" in o.summary
        change = next(c for c in o.changes if "12 months" in c.now)
        assert change.date is not None and change.date.isoformat() == "2024-11-18"
        block = words(soup(site, "legal-consequences.html").find(id=f"changed-{o.id}").get_text(" "))
        assert words(plain(change.now)) in block and long_date(change.date) in block
        assert "SI 2024/1067" in block
    assert project.links["si-2024-1067"].url in {a["href"] for a in soup(site, "legal-consequences.html").find_all("a", href=True)}
    assert "12 months" in text


def test_the_2012_guidance_said_only_quotes_the_2012_text(site: Path, project: Project) -> None:
    page = soup(site, "legal-consequences.html")
    seen = {True: 0, False: 0}
    for o in project.offences.rows:
        for c in o.changes:
            item = next(li for li in page.find(id=f"changed-{o.id}").find_all("li") if words(plain(c.was)) in words(li.get_text(" ")))
            label = words(item.find("strong").get_text())
            assert label == ("The 2012 guidance said:" if c.seed else "Before this change the law said:"), (o.id, c.was)
            seen[c.seed] += 1
            if o.source == "added":
                assert not c.seed, f"{o.id}: the 2012 guidance did not list this offence"
    assert seen[True] and seen[False]
    # the rewordings the issue names are no longer presented as the 2012 text
    for li in page.find_all("li"):
        if words(li.get_text(" ")).startswith("The 2012 guidance said:"):
            assert "level 5" not in li.get_text() and "covered indecent" not in li.get_text()


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_legal_posters_follow_the_two_tables(site: Path, project: Project, size: str) -> None:
    added = poster_text(site, posters.ADDED_OFFENCES_SLUG, size)
    original = poster_text(site, "legal-consequences", size)
    assert squash("Offences the 2012 guidance did not list") in added
    for o in project.offences.rows:
        text = original if o.source == "original" else added
        assert squash(plain(o.offence)) in text
        if o.in_force and o.source == "added":
            assert squash(plain(o.in_force)) in text
    assert squash(NOT_STATED) in added
    assert squash("12 months") in original


# --------------------------------------------------------------------------- reporting routes


def test_concerns_page_has_the_lado_helplines_and_report_remove(site: Path, project: Project) -> None:
    page = soup(site, "reporting-concerns.html")
    text = article(site, "reporting-concerns.html")
    assert "Local Authority Designated Officer (LADO)" in text and "Working Together to Safeguard Children 2023" in text
    assert "0808 800 5000" in text and "0344 381 4772" in text  # NSPCC helpline, Professionals Online Safety Helpline
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    for link_id in ("report-remove", "uk-safer-internet-centre", "iwf-report", "ceop-safety-centre"):
        assert project.links[link_id].url in hrefs and project.links[link_id].checked_on is not None
    assert "CEOP Command" in text
    # the 2012 sentences stay
    assert "report illegal sexual child abuse images to the Internet Watch Foundation" in text
    # local contacts still come from extra.board
    for contact in project.board.contacts:
        assert contact.label in text


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_reporting_poster_carries_the_new_routes(site: Path, project: Project, size: str) -> None:
    text = poster_text(site, "reporting-concerns", size)
    for link_id in ("report-remove", "uk-safer-internet-centre"):
        assert squash(project.links[link_id].title) in text
        assert squash(posters.short_address(project.links[link_id].url)) in text
    for needle in ("LADO", "0808 800 5000", "0344 381 4772"):
        assert squash(needle) in text


def test_iwf_remit_is_corrected_beside_the_2012_sentence(site: Path) -> None:
    text = article(site, "sources.html")
    assert "criminally obscene and incitement to racial hatred content which is hosted in the UK" in text  # 2012
    assert "Criminally obscene adult content and incitement to racial hatred are no longer in its remit" in text


# --------------------------------------------------------------------------- notes and What's new


def test_every_page_changed_by_this_update_shows_it(site: Path, project: Project) -> None:
    own_pages = {"about.md"}  # the site's own page: its text is rewritten, not annotated
    news = latest_news(project)
    assert len(news) >= 5
    for page in {p for n in news for p in n.pages} - own_pages:
        text = article(site, page.removesuffix(".md") + ".html")
        assert any(mark in text for mark in UPDATE_MARKS) or "What has changed since the 2012 guidance" in text, page


def test_whats_new_lists_this_update_with_working_links(site: Path, project: Project) -> None:
    page = soup(site, "whats-new.html")
    text = words(page.find("article").get_text(" "))
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    for n in latest_news(project):
        assert words(n.title) in text
        for item in n.changes:
            for ref in re.findall(r"\]\[([^\]]+)\]", item.text):
                assert project.links[ref].url in hrefs and project.links[ref].checked_on is not None


def test_dated_examples_keep_the_2012_sentence_and_gain_a_note(site: Path) -> None:
    social = article(site, "topics/social-networking.html")
    assert "Facebook and Twitter are the most well known packages" in social
    assert "Twitter is now X (July 2023)" in social and "TikTok" in social
    live = article(site, "topics/live-streaming.html")
    assert "Facetime and Skype are the most well known packages" in live and "Skype was retired on 5 May 2025" in live
    assert "struck off in September 2010" in article(site, "case-law.html")
    assert "about 2010–2011" in article(site, "case-law.html")


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_topic_posters_carry_the_page_introduction_and_its_notes(site: Path, project: Project, size: str) -> None:
    with_intro = 0
    for topic in project.topics:
        spec = posters._topic_spec(project, topic)
        text = poster_text(site, topic.slug, size)
        for paragraph in spec.data["intro"]:
            assert squash(plain(paragraph)) in text, topic.slug
        for note in spec.data["updates"]:
            assert squash(note["title"]) in text and squash(plain(note["text"])) in text, topic.slug
        with_intro += bool(spec.data["intro"])
    assert with_intro >= 2  # Social networking and Live streaming have the 2012 text's introductions
    assert squash("See page 11 & 12 for further guidance") in poster_text(site, "mobile-phones", size)


def test_page_11_and_12_pointer_is_a_link_and_flagged_for_the_board(site: Path, project: Project) -> None:
    page = soup(site, "topics/mobile-phones.html")
    p = next(p for p in page.find("article").find_all("p") if "See page 11 & 12 for further guidance" in p.get_text())
    assert p.find("a")["href"] == "../good-practice-summary.html"
    for rel in ("topics/mobile-phones.md", "posters.md"):
        assert "page" in str(project.pages[rel].meta.get("board_to_confirm", "")).lower()


# --------------------------------------------------------------------------- the board


def test_nscb_sentence_stays_with_a_note_and_about_gives_the_lineage(site: Path, project: Project) -> None:
    intro = article(site, "introduction.html")
    assert f"{project.board.name} ({project.board.short_name}) expect all member agencies" in intro
    assert "Children and Social Work Act 2017" in intro and "three safeguarding partners" in intro
    about = article(site, "about.html")
    for needle in ("in about 2012", "Children and Social Work Act 2017", "Northumberland Children and Adults Safeguarding Partnership",
                   "is not a current body"):
        assert needle in about
    # the successor and its source are named in extra.origin.credit, the one place a fork keeps the original
    # board's name (so its address is written there in words: links.yml is shared with forks)
    assert "source: Northumberland County Council" in about


def test_default_identity_is_visibly_an_example(site: Path, project: Project) -> None:
    assert project.config.example_identity
    assert "example identity" in soup(site, "index.html").find("footer").get_text()
    assert "Example identity" in article(site, "index.html")
    assert squash("example identity") in poster_text(site, "email", "a4").lower()
    cover = words(PdfReader(site / "downloads" / "guide.pdf").pages[0].extract_text())
    assert "example identity" in cover and TAGLINE in cover


def test_a_fork_s_own_identity_is_not_called_an_example(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "fork")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    board = load_project(ROOT).board
    text = text.replace(f"name: {board.name}", "name: Example Fork Safeguarding Partnership", 1)
    config.write_text(text, encoding="utf-8")
    fork = load_project(root)
    assert fork.board.name == "Example Fork Safeguarding Partnership" and not fork.config.example_identity
    assert "Example identity" not in fork.rendered["index.md"]
    assert "not a current body" not in fork.rendered["introduction.md"]


# --------------------------------------------------------------------------- the 2012 words restored


def test_tagline_and_template_heading_appear(site: Path, project: Project) -> None:
    assert tagline(project.rendered["index.md"]) == TAGLINE
    assert TAGLINE in article(site, "index.html")
    template = soup(site, "policy-template.html")
    assert words(template.find("h1").get_text()) == TEMPLATE_HEADING
    assert "The enclosed template is provided as a starting point" in article(site, "policy-template.html")
    nav = project.nav  # in the 2012 order: the summary, the template, then what to do if you have concerns
    assert nav.index("good-practice-summary.md") < nav.index("policy-template.md") < nav.index("reporting-concerns.md")


def test_site_own_text_is_marked(site: Path) -> None:
    for rel in ("index.html", "good-practice-summary.html", "posters.html"):
        boxes = [words(t.get_text()) for t in soup(site, rel).select(".admonition.abstract .admonition-title")]
        assert "About this page" in boxes, rel
    danger = article(site, "reporting-concerns.html")
    assert "Updated November 2026: 112 also works." in danger and "(112 also works.)" not in danger


# --------------------------------------------------------------------------- the model policy


def test_model_policy_docx_and_pdf_carry_the_current_law(site: Path, project: Project) -> None:
    docx = Document(str(site / "downloads" / "model-social-media-policy.docx"))
    paragraphs = [words(p.text) for p in docx.paragraphs]
    text = " ".join(paragraphs)
    assert "in line with the Data Protection Act, the Human Rights Act" in text  # the 2012 clause stays
    for needle in ("Data Protection Act 2018", "UK GDPR", "Data (Use and Access) Act 2025", "SI 2018/356",
                   "monitoring workers", "Twitter was renamed X in July 2023"):
        assert needle in text, needle
    notes = [p for p in docx.paragraphs if p.text.startswith("Updated December 2026:")]
    assert len(notes) == 3 and all(p.runs[0].bold for p in notes)
    pdf = words(" ".join(page.extract_text() for page in PdfReader(site / "downloads" / "model-social-media-policy.pdf").pages))
    assert "Data Protection Act 2018" in pdf and "SI 2018/356" in pdf


# --------------------------------------------------------------------------- editor mistakes in the new fields


@pytest.mark.parametrize("old,new,message", [
    ("    mode: not stated\n    in_force: \"31 January 2024\"\n",
     "    mode: not stated\n    summary: \"6 months\"\n    in_force: \"31 January 2024\"\n",
     "offence intimate-images field summary: must be left out"),
    ("        seed: true\n", "        seed: perhaps\n", "'seed' must be true"),
    ("        seed: true\n", "        seeds: true\n", "'seeds' is not a known field of a change"),
    ("    mode: not stated\n    in_force: \"31 January 2024\"\n", "    mode: unknown\n    in_force: \"31 January 2024\"\n",
     "must be 'summary only', 'either way' or 'not stated'"),
])
def test_mistakes_in_the_new_offence_fields_are_reported(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = copy_project(tmp_path / "copy")
    f = root / "docs" / "data" / "offences.yml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as e:
        load_project(root)
    assert any("docs/data/offences.yml" in line and message in line for line in e.value.report().splitlines()), e.value.report()
