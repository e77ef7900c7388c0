"""Offline link checks on the real build: every link, anchor and download in the site, the PDFs and
the Word documents; external addresses only from docs/data/links.yml and never on a retired domain;
every page in the navigation; no orphan in docs/. Then faults fed into copies, to prove each is
found and reported with its page, link and reason, all at once."""
from __future__ import annotations

import shutil
import time
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from conftest import ROOT, copy_project
from kit.model import Project
from kit.links.checker import check_site
from kit.links.report import LinkProblem, Report
from kit.links.rules import RETIRED_DOMAINS, bare, host_of
from kit.build import engines
from scripts import linkcheck


@pytest.fixture(scope="session")
def report(site: Path) -> Report:
    start = time.perf_counter()
    r = check_site(ROOT, site)
    took = time.perf_counter() - start
    print(f"\noffline link check of the real build: {r.summary()} (wall {took:.2f} s)")
    return r


def messages(problems: list[LinkProblem]) -> str:
    return "\n".join(str(p) for p in problems)


# --- the real build ------------------------------------------------------------------------------

def test_the_built_kit_has_no_broken_link_anchor_or_download(report: Report):
    assert not report.errors, "\n" + report.text()


def test_every_file_that_can_hold_links_was_read(site: Path, report: Report):
    """Whatever the build makes (pages, posters, PDFs, Word documents, zips), the check reads it."""
    on_disk = Counter(p.suffix.lower() for p in site.rglob("*") if p.is_file())
    assert report.files["HTML pages"] == on_disk[".html"] > 20
    assert report.files["stylesheets"] == on_disk[".css"]
    assert report.files.get("PDFs", 0) == on_disk[".pdf"]
    assert report.files.get("Word documents", 0) == on_disk[".docx"]
    assert report.files.get("zip files", 0) == on_disk[".zip"]
    assert report.total > 1000  # every href and src, not a sample


def test_every_link_in_the_pages_was_counted(site: Path, report: Report):
    """An independent count with BeautifulSoup-free lxml: the checker saw every href and src."""
    expected = 0
    for page in site.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        expected += len(tree.xpath("//a[@href] | //link[@href] | //img[@src] | //script[@src] | //iframe[@src]"
                                   " | //source[@src] | //video[@src] | //audio[@src] | //embed[@src] | //object[@data]"
                                   " | //form[@action] | //track[@src] | //area[@href]"))
        expected += sum(len([c for c in s.split(",") if c.strip()]) for s in tree.xpath("//@srcset"))
    assert report.checked["HTML pages"] >= expected


def test_downloads_linked_from_the_pages_exist_and_are_real_files(site: Path, report: Report):
    kinds = (".pdf", ".docx", ".zip", ".png", ".svg")
    linked = set()
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # its addresses are absolute on the board's site (checked by the report)
        for href in lxml.html.fromstring(page.read_bytes()).xpath("//a/@href | //img/@src"):
            path = href.split("#")[0].split("?")[0]
            if path.lower().endswith(kinds) and "://" not in path:
                linked.add((page.parent / path).resolve())
    for path in linked:
        assert path.is_file() and path.stat().st_size > 0, path
    assert not [p for p in report.errors if p.page.endswith(kinds)]


def test_every_external_address_comes_from_the_links_data_file(report: Report, project: Project):
    allowed = {link.url for link in project.links.values()} | {c.url for c in project.board.contacts if c.url}
    found = set(report.external)
    assert found, "no external address found: the check is not reading the pages"
    outside = {a for a in found if not a.startswith(project.board.site_url)} - allowed
    assert not outside
    # and the links the pages are known to carry are among them
    assert project.links["iwf-report"].url in found and project.links["ceop-safety-centre"].url in found
    assert all(a.startswith("https://") for a in found)


def test_no_published_address_is_on_a_retired_domain(report: Report, project: Project):
    for address in report.external:
        host = host_of(address)
        assert not any(host == d or host.endswith("." + d) for d in RETIRED_DOMAINS), address
    for link in project.links.values():
        for old in link.formerly:
            assert bare(old) not in {bare(a) for a in report.external}, f"{old} is published as a link"


def test_the_boards_own_addresses_point_at_pages_that_exist(site: Path, report: Report, project: Project):
    """Canonical links, the sitemap and any QR or PDF link to the board's site map to a built file."""
    own = [a for a in report.external if a.startswith(project.board.site_url)]
    assert len(own) >= len(project.nav)
    for address in own:
        rel = address[len(project.board.site_url):].split("#")[0] or "index.html"
        assert (site / rel).is_file(), address


def test_every_page_is_in_the_navigation_and_nothing_in_docs_is_orphaned(site: Path, report: Report, project: Project):
    nav = lxml.html.fromstring((site / "index.html").read_bytes()).xpath(
        '//nav[contains(@class, "md-nav--primary")]//a/@href')
    for rel in project.pages:
        assert rel.removesuffix(".md") + ".html" in nav or rel == "index.md", rel
    assert not [p for p in report.errors if "navigation" in p.why or "orphan" in p.why]


def test_offline_check_figures(report: Report):
    """The figures the issue asks for: how many links, and how long (also printed with -s)."""
    assert report.seconds < 30
    print(f"\n{report.total} links checked offline in {report.seconds:.2f} s: {dict(report.checked)}")


def test_command_line_passes_on_the_real_build(site: Path, capsys):
    assert linkcheck.main(["--site-dir", str(site)]) == 0
    assert "Checked" in capsys.readouterr().out


# --- faults fed into the source, built for real ---------------------------------------------------

@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Report]:
    """A copy of the project with several faults, built once; each test below looks for one.
    The faults are all in the pages and docs/, so only the site step of the build runs (the real
    MkDocs build with the content hook): the posters and documents would add 20 s and prove nothing
    more here. (Downloads the pages link to are then missing too; the tests look for their own faults.)"""
    root = copy_project(tmp_path_factory.mktemp("broken") / "project")
    about = root / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n"
                     '<p>Fault 1: <a href="no-such-page.html">a page that does not exist</a>.</p>\n\n'
                     '<p>Fault 2: <a href="topics/email.html#no-such-section">an anchor that does not exist</a>.</p>\n\n'
                     '<p>Fault 3: <a href="downloads/no-such-poster.pdf">a download that does not exist</a>.</p>\n',
                     encoding="utf-8")
    links = root / "docs" / "data" / "links.yml"
    text = links.read_text(encoding="utf-8")
    # Fault 4: an editor puts the 2012 address back (a retired domain; with http:// `make check` refuses it first)
    text = text.replace("url: https://www.childnet.com/\n", "url: https://www.childnet-int.org/\n", 1)
    links.write_text(text, encoding="utf-8")
    # Fault 5: a file in docs/ that nothing uses
    (root / "docs" / "assets" / "old-logo.png").write_bytes((root / "docs" / "assets" / "board-logo.svg").read_bytes())
    site = tmp_path_factory.mktemp("broken-build") / "site"
    engines.build_site(root, site)
    return root, site, check_site(root, site)


def test_a_broken_link_is_reported_with_page_link_and_why(broken_build):
    _root, _site, report = broken_build
    [p] = [p for p in report.errors if p.link == "no-such-page.html"]
    assert p.page == "about.html" and p.source == "docs/about.md"
    assert "does not exist in the built site" in p.why
    assert str(p) == "about.html (from docs/about.md): no-such-page.html: the target no-such-page.html does not exist in the built site"


def test_a_broken_anchor_is_reported(broken_build):
    _root, _site, report = broken_build
    [p] = [p for p in report.errors if p.link == "topics/email.html#no-such-section"]
    assert p.page == "about.html" and p.why == "the anchor #no-such-section does not exist in topics/email.html"


def test_a_missing_download_is_reported(broken_build):
    _root, _site, report = broken_build
    [p] = [p for p in report.errors if p.link == "downloads/no-such-poster.pdf"]
    assert "downloads/no-such-poster.pdf does not exist" in p.why


def test_a_retired_domain_is_reported_where_it_is_published_and_in_the_data_file(broken_build):
    _root, _site, report = broken_build
    on_pages = [p for p in report.errors if p.link == "https://www.childnet-int.org/" and p.page.endswith(".html")]
    assert on_pages and any("childnet-int.org is a retired domain" in p.why for p in on_pages)
    assert any(p.page == "sources.html" for p in on_pages)
    data = [p for p in report.errors if p.page == "docs/data/links.yml" and "childnet" in p.link]
    assert any("retired domain" in p.why for p in data)  # (an http:// address never gets this far: make check refuses it)


def test_an_orphan_file_in_docs_is_reported(broken_build):
    _root, _site, report = broken_build
    [p] = [p for p in report.errors if p.page == "docs/assets/old-logo.png"]
    assert "orphan" in p.why


def test_all_faults_are_reported_at_once_and_the_command_fails(broken_build, capsys):
    root, site, report = broken_build
    assert len(report.errors) >= 6
    assert linkcheck.main(["--root", str(root), "--site-dir", str(site)]) == 1
    err = capsys.readouterr().err
    for text in ("no-such-page.html", "#no-such-section", "no-such-poster.pdf", "childnet-int.org", "old-logo.png"):
        assert text in err


# --- faults in downloads, fed into a copy of the built site ----------------------------------------

def _pdf_with_links(path: Path, uri: str, named: str) -> None:
    """A one-page PDF with a web link, a link to a named destination that does not exist, a link to
    a page that is not in the document, and a bookmark to page 1."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    not_a_page = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Note")}))
    annots = ArrayObject()
    for action in (
        DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(uri)}),
        DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): TextStringObject(named)}),
    ):
        annots.append(writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(100), FloatObject(30)]),
            NameObject("/A"): action,
        })))
    annots.append(writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(40), FloatObject(100), FloatObject(60)]),
        NameObject("/Dest"): ArrayObject([not_a_page, NameObject("/Fit")]),
    })))
    writer.pages[0][NameObject("/Annots")] = annots
    writer.add_outline_item("Start", 0)
    writer.add_named_destination("start", 0)
    with path.open("wb") as f:
        writer.write(f)


def _docx_with_link(path: Path, url: str) -> None:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    doc = Document()
    paragraph = doc.add_paragraph("See ")
    rid = doc.part.relate_to(url, RT.HYPERLINK, is_external=True)
    for attrs in ({qn("r:id"): rid}, {qn("w:anchor"): "no-such-bookmark"}):
        link = OxmlElement("w:hyperlink")
        for k, v in attrs.items():
            link.set(k, v)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "a link"
        run.append(t)
        link.append(run)
        paragraph._p.append(link)
    doc.save(str(path))


def test_faults_in_pdfs_word_documents_zips_and_images_are_reported(site: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    dl = copy / "downloads" / "test-faults"
    dl.mkdir(parents=True)
    _pdf_with_links(dl / "guide.pdf", "https://www.ceop.gov.uk/report", "no-such-section")
    _docx_with_link(dl / "policy.docx", "https://example.org/not-in-the-data-file")
    (dl / "empty.pdf").write_bytes(b"")
    (dl / "offline.zip").write_bytes(b"this is not a zip file")
    (dl / "thumb.png").write_bytes(b"<html>not a picture</html>")
    good = PdfReader(str(dl / "guide.pdf"))
    assert len(good.pages) == 1
    # a page linking to each, including a PDF page that does not exist and a named destination that does
    page = copy / "downloads.html"
    html = page.read_text(encoding="utf-8").replace("</article>", "".join(
        f'<a href="downloads/test-faults/{name}">{name}</a>' for name in
        ("guide.pdf#page=7", "guide.pdf#start", "guide.pdf#nameddest=nowhere", "policy.docx", "empty.pdf", "offline.zip", "thumb.png")
    ) + "</article>", 1)
    page.write_text(html, encoding="utf-8")
    report = check_site(ROOT, copy)
    got = messages(report.errors)
    expected = [
        "downloads/test-faults/guide.pdf: page 1: https://www.ceop.gov.uk/report: ceop.gov.uk is a retired domain",
        "downloads/test-faults/guide.pdf: page 1: internal link: goes to the destination 'no-such-section', which does not exist in the PDF",
        "downloads/test-faults/guide.pdf: page 1: internal link: goes to a page that is not in the PDF",
        "downloads/test-faults/policy.docx: hyperlink https://example.org/not-in-the-data-file: is not in docs/data/links.yml",
        "downloads/test-faults/policy.docx: internal link #no-such-bookmark: goes to a bookmark that does not exist",
        "downloads/test-faults/empty.pdf: is empty (0 bytes)",
        "downloads/test-faults/offline.zip: is not a real ZIP file",
        "downloads/test-faults/thumb.png: is not a real PNG file",
        "downloads.html (from docs/downloads.md): downloads/test-faults/guide.pdf#page=7: downloads/test-faults/guide.pdf has 1 pages; #page=7 is not one of them",
        "downloads.html (from docs/downloads.md): downloads/test-faults/guide.pdf#nameddest=nowhere: the destination #nowhere does not exist",
    ]
    for text in expected:
        assert text in got, f"missing: {text}\n--- got:\n{got}"
    assert "guide.pdf#start" not in got  # a destination that exists is fine
    assert "bookmark 'Start'" not in got


def test_links_in_a_pdf_to_the_boards_site_must_reach_a_page(site: Path, tmp_path: Path, project: Project):
    """What a poster's QR code or a PDF link to the site points at must exist in the build."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "downloads").mkdir(exist_ok=True)
    base = project.board.site_url
    for name, uri in (("ok.pdf", base + "topics/email.html"), ("bad.pdf", base + "topics/no-such-topic.html")):
        _pdf_with_links(copy / "downloads" / name, uri, "start")
    report = check_site(ROOT, copy)
    got = messages(report.errors)
    assert f"downloads/bad.pdf: page 1: {base}topics/no-such-topic.html: the target topics/no-such-topic.html" in got
    assert "downloads/ok.pdf: page 1: https" not in got
    # unlinked downloads are pointed out, as warnings
    assert "downloads/ok.pdf: no page links to this download" in messages(report.warnings)


def test_html_faults_of_every_kind_in_one_page(site: Path, tmp_path: Path, project: Project):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "about.html"
    faults = [
        ('<a href="/about.html">', "is an absolute path (starting with /)"),
        ('<a href="../outside.html">', "points outside the site folder"),
        ('<a href="topics/">', "links to a folder"),
        ('<img src="assets/missing.png" alt="">', "the target assets/missing.png does not exist"),
        ('<img srcset="assets/board-logo.svg 1x, assets/missing@2x.png 2x" alt="">', "assets/missing@2x.png does not exist"),
        ('<a href="javascript:alert(1)">', "uses 'javascript:'"),
        ('<a href="file:///home/editor/site/index.html">', "is a file:// address on the machine that built it"),
        ('<a href="mailto:nobody">', "is not an email address"),
        ('<a href="tel:01632 960000">', "is not a telephone number"),
        ('<a href="https://www.iwf.org.uk">', "is written differently from docs/data/links.yml, which has https://www.iwf.org.uk/"),
        ('<a href="http://www.example.org/">', "uses http://"),
        ('<a href="https://www.example.org/">', "is not in docs/data/links.yml"),
        ('<a href="//www.iwf.org.uk/">', "protocol-relative"),
        ('<a href="https://police.homeoffice.gov.uk/x">', "police.homeoffice.gov.uk is a retired domain"),
        ('<a href="https://www.iabuk.net/">', "iabuk.net is a retired domain (the site has closed): use https://www.iabuk.com/"),
        ('<a href="http://www.nspcc.org.uk/Inform/cpsu/Resources/Briefings/PhotographsAndImagesOfChildren_wdf60645.pdf">',
         f"this address no longer works: use {project.links['cpsu-photography'].url}"),
        (f'<a href="{project.board.site_url}no-such-page.html#x">', "does not exist in the built site"),
        ('<div style="background: url(assets/nothing.png)"></div>', "assets/nothing.png does not exist"),
        ('<a href="">', "is empty"),
    ]
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", "".join(f"{tag}x</a>" if tag.startswith("<a") else tag for tag, _ in faults)
                                 + "</article>", 1), encoding="utf-8")
    (copy / "stray.html").write_text("<!doctype html><title>Stray</title><p>Nobody links here.</p>", encoding="utf-8")
    report = check_site(ROOT, copy)
    got = [str(p) for p in report.errors if p.page in ("about.html", "stray.html")]
    for _tag, why in faults:
        assert any(why in line for line in got), f"missing: {why}\n--- got:\n" + "\n".join(got)
    assert any(line.startswith("stray.html: no page links to it") for line in got)
    assert all(line.startswith(("about.html (from docs/about.md): ", "stray.html")) for line in got)


def test_no_site_is_an_error_not_a_pass(tmp_path: Path):
    report = check_site(ROOT, tmp_path)
    assert report.errors and "run `make build` first" in report.errors[0].why


def test_retired_addresses_in_the_formerly_lists_are_treated_as_retired(project: Project):
    from kit.links.rules import Rules

    rules = Rules(ROOT)
    for link in project.links.values():
        for old in link.formerly:
            assert rules.retired(old if "//" in old else "https://" + old), old
        assert rules.retired(link.url) is None, link.url
    assert rules.retired("https://www.nspcc.org.uk/") is None  # only the old PDF there is retired, not the charity


def test_a_valid_zip_and_docx_pass(site: Path, tmp_path: Path, project: Project):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    dl = copy / "downloads"
    dl.mkdir(exist_ok=True)
    with zipfile.ZipFile(dl / "kit.zip", "w") as z:
        z.writestr("site/index.html", "<p>hello</p>")
    _docx_with_link(dl / "ok.docx", project.links["iwf"].url)
    report = check_site(ROOT, copy)
    got = messages([p for p in report.errors if p.page.startswith("downloads/")])
    assert "kit.zip" not in got
    assert "ok.docx: hyperlink" not in got and "ok.docx: internal link #no-such-bookmark" in got


# --- QR codes -------------------------------------------------------------------------------------

def _poster_pdf(path: Path, qr_target: str | None) -> None:
    """A poster drawn the way the kit draws them: WeasyPrint, with segno's inline SVG QR code."""
    import segno
    import weasyprint

    qr = segno.make(qr_target, error="m").svg_inline(scale=1, border=2, omitsize=True, title="QR code",
                                                    svgclass="qr") if qr_target else ""
    html = ("<html lang='en-GB'><style>@page { size: A4 } .qr { width: 25mm; height: 25mm }</style>"
            f"<body><h1>Email</h1><p>Best practice…</p>{qr}</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(weasyprint.HTML(string=html).write_pdf())


def test_the_qr_codes_on_the_posters_lead_to_pages_that_exist(site: Path, report: Report, project: Project):
    posters = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.pdf") if "posters" in p.parts)
    if not posters:
        pytest.skip("the build has no posters yet")
    read = {rel: [text for pdf, _n, text in report.qr_codes if pdf == rel] for rel in posters}
    unread = [rel for rel, codes in read.items() if not codes]
    assert not unread, f"posters with no readable QR code: {unread}"
    for rel, codes in read.items():
        for text in codes:
            assert text.startswith(project.board.site_url), (rel, text)
            assert (site / text[len(project.board.site_url):].split("#")[0]).is_file(), (rel, text)


def test_qr_codes_are_read_and_checked(site: Path, tmp_path: Path, project: Project):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    base = project.board.site_url
    posters = copy / "downloads" / "posters"
    _poster_pdf(posters / "good.pdf", base + "topics/email.html")
    _poster_pdf(posters / "wrong-page.pdf", base + "topics/e-mail.html")
    _poster_pdf(posters / "retired.pdf", "http://www.ceop.gov.uk/")
    _poster_pdf(posters / "no-code.pdf", None)
    report = check_site(ROOT, copy)
    assert ("downloads/posters/good.pdf", 1, base + "topics/email.html") in report.qr_codes
    got = messages(report.errors)
    assert "downloads/posters/good.pdf" not in got
    assert (f"downloads/posters/wrong-page.pdf: page 1: QR code {base}topics/e-mail.html: "
            "the target topics/e-mail.html does not exist in the built site") in got
    assert "downloads/posters/retired.pdf: page 1: QR code http://www.ceop.gov.uk/: ceop.gov.uk is a retired domain" in got
    assert "downloads/posters/no-code.pdf: page 1: has no QR code that can be read" in got
