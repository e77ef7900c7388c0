"""The printable documents, built for real (the session `site` fixture runs scripts/build.py's build):
the whole-guide PDF, the model policy as DOCX and PDF, the fillable declaration form, the checklist,
and the two pages that go with them (Checklist, Policy builder)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from pypdf import PdfReader

from conftest import EditedBuilds
from kit.model import Project
from kit.dates import long_date
from kit.documents import content as model
from kit.documents.guide_pages import guide_leaves_out, guide_pages
from kit.model.topics import BUILDER_PAGE, CHECKLIST_PAGE, FORM_PAGE, POLICY_PAGE
from kit.model.text import PLACEHOLDER
from kit import outputs
from kit.model.checklist import checklist_groups

ROOT = Path(__file__).resolve().parent.parent


def words(text: str) -> str:
    """Text with its whitespace (line breaks included) made single spaces, for matching."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def pdf_text(reader: PdfReader, pages: range | None = None) -> str:
    return words(" ".join(reader.pages[i].extract_text() or "" for i in (pages or range(len(reader.pages)))))


def plain(markdown_text: str) -> str:
    """A list item's words without its Markdown (links, emphasis)."""
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or m.group(2) or "", markdown_text)
    return words(re.sub(r"[*_`]", "", text))


@pytest.fixture(scope="session")
def downloads(site: Path) -> Path:
    return site / "downloads"


@pytest.fixture(scope="session")
def guide(downloads: Path) -> PdfReader:
    return PdfReader(downloads / outputs.GUIDE)


def nav_sections(project: Project) -> list[tuple[str, list[str]]]:
    """The top level of the nav: (title, pages) for each section or page the guide PDF contains."""
    included = set(guide_pages(project))
    out = []
    for entry in project.config.raw["nav"]:
        if isinstance(entry, str):
            pages, title = [entry], str(project.pages[entry].meta["title"])
        else:
            (title, children), = entry.items()
            pages = [c if isinstance(c, str) else next(iter(c.values())) for c in children]
        pages = [p for p in pages if p in included]
        if pages:
            out.append((title, pages))
    return out


# ---- every document, at its stable address -------------------------------------------------

def test_every_document_is_at_its_stable_address(downloads: Path) -> None:
    for name in outputs.DOCUMENTS.values():
        assert (downloads / name).is_file(), f"site/downloads/{name} is missing"
        assert (downloads / name).stat().st_size > 1000
    assert not list(downloads.glob("*.html")), "no working HTML may be published"


# ---- the whole guide -----------------------------------------------------------------------

def test_guide_has_a_cover_with_the_board_name_title_and_review_date(guide: PdfReader, project: Project) -> None:
    cover = pdf_text(guide, range(1))
    assert project.board.name in cover
    assert project.config.site_name in cover
    assert long_date(model.document_date(project, guide_pages(project))) in cover
    assert guide.metadata.title == project.config.site_name
    assert guide.metadata.author == project.board.name


def test_guide_contents_list_every_section_and_page_with_page_numbers(guide: PdfReader, project: Project) -> None:
    outline = [o for o in guide.outline if not isinstance(o, list)]
    assert outline[0].title == "Contents"
    first_chapter = guide.get_destination_page_number(outline[1])
    contents = pdf_text(guide, range(guide.get_destination_page_number(outline[0]), first_chapter))
    for title, pages in nav_sections(project):
        assert re.search(re.escape(words(title)) + r"[ .]*\d+", contents), f"the contents do not list '{title}' with a page number"
        for page in pages:
            assert words(str(project.pages[page].meta["title"])) in contents
    # Each page in the PDF starts with an anchor named after its path ("path/:", kit/documents/guide_pages.py).
    anchors = set(guide.named_destinations)
    for page in guide_pages(project):
        assert (".:" if page == "index.md" else page.removesuffix(".md") + "/:") in anchors, f"{page} is not in the PDF"
    for page in guide_leaves_out(project):
        assert page.removesuffix(".md") + "/:" not in anchors, f"{page} should be left out of the PDF"


def test_guide_is_tagged_in_british_english(guide: PdfReader) -> None:
    root = guide.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_guide_has_more_pages_than_sections_and_uses_the_site_font(guide: PdfReader, project: Project) -> None:
    assert len(guide.pages) > len(guide_pages(project)) > len(nav_sections(project))
    fonts = set()
    for page in guide.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{font['/BaseFont']} is not embedded"
            fonts.add(str(font["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(f.startswith("Atkinson-Hyperlegible") for f in fonts), f"fonts other than the site's: {fonts}"


def test_guide_links_go_inside_the_pdf_or_to_the_web(guide: PdfReader, project: Project) -> None:
    destinations = set(guide.named_destinations)
    internal = 0
    for page in guide.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                internal += 1
                assert str(annot["/Dest"]) in destinations, f"link to a missing destination {annot['/Dest']}"
            else:
                uri = str(annot["/A"].get_object()["/URI"])
                assert uri.startswith(("https://", "http://", "mailto:", "tel:")), f"link to {uri}"
    assert internal > len(guide_pages(project)), "the contents and cross-references should be links inside the PDF"


def test_guide_leaves_out_only_pages_that_make_no_sense_on_paper(project: Project) -> None:
    assert {"downloads.md", "posters.md", CHECKLIST_PAGE, BUILDER_PAGE} <= set(guide_leaves_out(project))
    assert not [p for p in guide_leaves_out(project) if p.startswith("topics/")], "every topic belongs in the guide"
    assert POLICY_PAGE in guide_pages(project)


# ---- the model policy in Word ----------------------------------------------------------------

@pytest.fixture(scope="session")
def policy_docx(downloads: Path) -> Document:
    return Document(str(downloads / outputs.POLICY_DOCX))


def test_docx_has_a_heading_for_every_policy_section(policy_docx: Document, project: Project) -> None:
    policy = model.policy_document(project)
    headings = {words(p.text): p for p in policy_docx.paragraphs if p.style.name == "Heading 1"}
    full_text = words(" ".join(p.text for p in policy_docx.paragraphs))
    for section in policy.sections:
        title = words(section.title_text)
        assert title in headings, f"no Heading 1 for '{title}'"
        assert title in full_text
        numbered = headings[title]._p.pPr is not None and headings[title]._p.pPr.numPr is not None
        assert numbered == (section.number is not None), f"'{title}' should {'' if section.number else 'not '}be numbered by Word"
    clauses = [b for s in policy.sections for b in s.blocks if b.kind == "clause"]
    numbered_paragraphs = [p for p in policy_docx.paragraphs if p.style.name != "Heading 1"
                           and p._p.pPr is not None and p._p.pPr.numPr is not None and p._p.pPr.numPr.ilvl.val == 1]
    assert len(numbered_paragraphs) == len(clauses) > 10
    assert words(model.form_document(project).title) in headings


def test_docx_highlights_every_fill_in_field(policy_docx: Document, project: Project) -> None:
    highlighted = [r.text for p in policy_docx.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    for rel in (POLICY_PAGE, FORM_PAGE):
        for placeholder in PLACEHOLDER.findall(project.rendered[rel]):
            assert placeholder in highlighted, f"{placeholder} is not highlighted"
    assert len(highlighted) >= len(PLACEHOLDER.findall(project.rendered[POLICY_PAGE]))


def test_docx_is_a4_with_fixed_dates_and_entry_times(policy_docx: Document, downloads: Path) -> None:
    section = policy_docx.sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1
    props = policy_docx.core_properties
    assert props.created == props.modified
    assert props.created.date() <= dt.date.today()
    with zipfile.ZipFile(downloads / outputs.POLICY_DOCX) as z:
        assert len({info.date_time for info in z.infolist()}) == 1


# ---- the model policy PDF, the declaration form and the checklist -----------------------------

def test_policy_pdf_is_a4_and_holds_every_section_and_appendix_1(downloads: Path, project: Project) -> None:
    reader = PdfReader(downloads / outputs.POLICY_PDF)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(reader)
    for section in model.policy_document(project).sections:
        assert words(section.title_text) in text
    assert words(model.form_document(project).title) in text
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_declaration_form_has_the_nine_fillable_fields(downloads: Path, project: Project) -> None:
    reader = PdfReader(downloads / outputs.FORM_PDF)
    fields = reader.get_fields()
    assert fields is not None
    expected = model.form_document(project).fields
    assert len(expected) == 9
    assert [str(f) for f in fields] == [f.name for f in expected]
    assert all(fields[f.name].get("/FT") == "/Tx" for f in expected)
    names = [str(fields[f.name]["/TU"]) for f in expected]
    assert len(set(names)) == 9, f"each field needs its own accessible name: {names}"
    text = pdf_text(reader)
    for f in expected:
        assert f.label in text, f"the printed form has no line for {f.label}"


def test_checklist_pdf_has_every_item_of_every_topic(downloads: Path, project: Project) -> None:
    reader = PdfReader(downloads / outputs.CHECKLIST_PDF)
    text = pdf_text(reader)
    boxes = [name for name, field in (reader.get_fields() or {}).items() if field.get("/FT") == "/Btn"]
    total = 0
    for topic in project.topics:
        assert words(topic.title) in text
        for item in topic.in_place:
            assert plain(item) in text, f"checklist.pdf lacks: {item}"
            total += 1
    assert len(boxes) == total
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)


# ---- the Checklist page and the Policy builder -----------------------------------------------

def test_checklist_page_has_a_labelled_box_for_every_item(site: Path, project: Project) -> None:
    html = (site / "checklist.html").read_text(encoding="utf-8")
    boxes = re.findall(r'<input type="checkbox" class="sg-checklist__box" id="([^"]+)" data-sg-item="([^"]+)"', html)
    items = [i for g in checklist_groups(project.topics) for i in g.items]
    assert [b[1] for b in boxes] == [i.id for i in items]
    assert len({b[0] for b in boxes}) == len(boxes)
    for box_id, _ in boxes:
        assert f'<label class="sg-checklist__label" for="{box_id}">' in html
    assert html.count("<fieldset") == len(project.topics) and html.count("<legend") == len(project.topics)
    assert f'id="sg-checklist-total">{len(items)}<' in html
    assert 'src="assets/javascripts/sg-checklist.js"' in html


def test_builder_page_holds_the_policy_text_with_its_fields_to_fill(site: Path, project: Project) -> None:
    html = (site / "policy" / "builder.html").read_text(encoding="utf-8")
    output = html[html.index('id="sg-builder-output"'):]
    for section in model.policy_document(project).sections:
        if section.number is not None:
            assert section.title_text.split(" (")[0] in output
    assert 'data-sg-fill="organisation"' in output and 'data-sg-fill="contact"' in output
    builder = html[html.index('id="sg-builder"'):]
    assert "<form" not in builder, "a <form> could send what is typed to a server"
    for label in ("sg-builder-organisation", "sg-builder-contact"):
        assert f'<label for="{label}">' in html
    assert 'src="../assets/javascripts/sg-builder.js"' in html


def test_page_scripts_make_no_requests(site: Path) -> None:
    for name in ("sg-checklist.js", "sg-builder.js"):
        script = (site / "assets" / "javascripts" / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://|fetch\(|XMLHttpRequest|sendBeacon|WebSocket|\.src\s*=", script), name
    assert "localStorage" not in (site / "assets" / "javascripts" / "sg-builder.js").read_text(encoding="utf-8")


# ---- the build: reproducible ---------------------------------------------------------------

def test_documents_are_byte_identical_when_built_again(downloads: Path, edited_builds: EditedBuilds) -> None:
    """Built again elsewhere (in another folder and process, with no caches, the guide from that
    build's own fresh site: tests/conftest.py `edited_builds`), every document is the same: no dates
    of 'now', no build paths, a /ID made from the content. The documents the edit leaves alone are
    the session build's own files."""
    warm, cold = edited_builds.warm / "site" / "downloads", edited_builds.cold / "site" / "downloads"
    for name in outputs.DOCUMENTS.values():
        first, second = (warm / name).read_bytes(), (cold / name).read_bytes()
        assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest(), f"{name} differs between builds"
        if name != outputs.GUIDE:  # the guide holds the edited page
            assert first == (downloads / name).read_bytes(), f"{name}: not the session build's file"
    assert (warm / outputs.GUIDE).read_bytes() != (downloads / outputs.GUIDE).read_bytes()
    assert b"/ID" in (downloads / outputs.GUIDE).read_bytes()
    assert os.environ.get("SOURCE_DATE_EPOCH"), "the build sets SOURCE_DATE_EPOCH (from the last commit)"


def test_documents_alone_build_the_site_they_need_and_make_the_same_guide(downloads: Path, project: Project,
                                                                          tmp_path: Path) -> None:
    """`make documents` with no built site beside the downloads folder: the guide is made from a site
    built for it in a temporary folder, and it is the very file the whole build made."""
    from kit.build.documents import build_documents

    out = tmp_path / "downloads"
    assert not (out.parent / "index.html").exists()
    made = build_documents(project, out, only=["guide"])
    assert made == {"guide": out / outputs.GUIDE}
    assert (out / outputs.GUIDE).read_bytes() == (downloads / outputs.GUIDE).read_bytes()
