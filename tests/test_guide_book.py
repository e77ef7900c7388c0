"""The whole-guide PDF is assembled by kit/documents/guide_pages.py from the BUILT pages of the site (any
engine's output), with no engine plugin: every nav page it holds, in order, listed in the contents;
in-document links that land on the page of their target; links to left-out pages and files going to
the board's site; a broken link failing the build and naming its page."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from kit import outputs, yamlio
from kit.errors import ContentError
from kit.model import Project
from kit.documents import content as model
from kit.documents.guide_pages import (
    _content, _content_html, combined_guide_html, guide_leaves_out, guide_pages, html_path, page_prefix,
)
from kit.build import documents as documents_script

ROOT = Path(__file__).resolve().parent.parent


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("¶", "")).strip()


@pytest.fixture(scope="session")
def guide(site: Path) -> PdfReader:
    return PdfReader(site / "downloads" / outputs.GUIDE)


@pytest.fixture(scope="session")
def book(site: Path, project: Project) -> BeautifulSoup:
    return BeautifulSoup(combined_guide_html(project, site), "html.parser")


def page_text(reader: PdfReader, number: int) -> str:
    return words(reader.pages[number].extract_text() or "")


def test_no_engine_plugin_or_hook_makes_the_guide(site: Path) -> None:
    config, _ = yamlio.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins") or []]
    assert not [p for p in plugins if "pdf" in p], f"a PDF plugin is still configured: {plugins}"
    assert not [h for h in config.get("hooks") or [] if "pdf" in h]
    assert not list((site / "downloads").glob("*.html")), "no working HTML is published"
    assert not any("GUIDE_PDF" in f.read_text(encoding="utf-8") for f in [*(ROOT / "kit").rglob("*.py"), ROOT / "scripts" / "build.py"])


def test_every_guide_page_is_in_the_book_in_nav_order_with_its_title_in_the_contents(
        guide: PdfReader, book: BeautifulSoup, project: Project, site: Path) -> None:
    pages = guide_pages(project)
    assert [str(s["data-page"]) for s in book.find_all(attrs={"data-page": True})] == pages
    contents = book.find(id="doc-toc")
    listed = [words(a.get_text()) for a in contents.find_all("a")]
    destinations = guide.named_destinations
    numbers = []
    for page in pages:
        built = BeautifulSoup((site / html_path(page)).read_text(encoding="utf-8"), "html.parser")
        title = words(built.select_one("article h1").get_text())
        assert title == words(str(project.pages[page].meta["title"]))
        assert title in listed, f"the contents do not list {page} ('{title}')"
        assert f"#{page_prefix(page)}" in [a["href"] for a in contents.find_all("a")]
        number = guide.get_destination_page_number(destinations[page_prefix(page) + ":"])
        assert title in page_text(guide, number), f"{page} does not start on the page its destination names"
        numbers.append(number)
    assert numbers == sorted(numbers), "the pages are not in nav order"
    # The contents show each entry's page number: the number its link goes to.
    first_chapter = min(numbers)
    toc_text = " ".join(page_text(guide, n) for n in range(1, first_chapter))
    for page, number in zip(pages, numbers):
        title = words(str(project.pages[page].meta["title"]))
        assert re.search(re.escape(title) + r"[ .]*" + str(number + 1) + r"\b", toc_text), f"'{title}' without page {number + 1}"
    for page in guide_leaves_out(project):
        assert page_prefix(page) + ":" not in destinations


def test_in_document_links_land_on_the_page_of_their_target(guide: PdfReader, site: Path, project: Project) -> None:
    destinations = guide.named_destinations
    headings: dict[str, str] = {}
    for page in guide_pages(project):
        built = BeautifulSoup((site / html_path(page)).read_text(encoding="utf-8"), "html.parser")
        for h in built.select("article h2[id], article h3[id], article h4[id]"):
            headings[f"{page_prefix(page)}:{h['id']}"] = words(h.get_text())
    checked = 0
    for number, pdf_page in enumerate(guide.pages):
        for annot in pdf_page.get("/Annots") or []:
            annot = annot.get_object()
            dest = str(annot.get("/Dest") or "")
            if dest in headings:
                target = guide.get_destination_page_number(destinations[dest])
                assert headings[dest] in page_text(guide, target), f"page {number + 1}: the link to {dest} lands on page {target + 1}"
                checked += 1
    assert checked > 20, "the contents' section entries and the cross-references to sections"


def test_links_to_left_out_pages_and_files_go_to_the_board_site(book: BeautifulSoup, site: Path, project: Project) -> None:
    hrefs = [str(a["href"]) for a in book.find_all("a", href=True)]
    content = " ".join(str(BeautifulSoup((site / html_path(p)).read_text(encoding="utf-8"), "html.parser").select_one("article"))
                       for p in guide_pages(project))
    for page in guide_leaves_out(project):
        if re.search(rf'href="[./]*{re.escape(html_path(page))}[#"]', content):  # the page's content links to it
            target = project.board.site_url + html_path(page)
            assert [h for h in hrefs if h == target or h.startswith(target + "#")], f"a link to {page} should go to the site"
    assert model.page_url(project, "downloads.md") in hrefs, "the home page links to Downloads"
    local = [h for h in hrefs if not h.startswith(("#", "https://", "http://", "mailto:", "tel:"))]
    assert not local, f"links that are neither in the PDF nor on the web: {local[:5]}"


def test_book_has_no_theme_chrome_and_unique_ids(book: BeautifulSoup) -> None:
    text = str(book)
    for chrome in ("headerlink", "md-header", "md-footer", "md-nav", "md-content__button", "__skip", "<script"):
        assert chrome not in text, f"{chrome} is theme chrome, not content"
    assert "¶" not in book.get_text()
    ids = [str(el["id"]) for el in book.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids must stay unique once the pages are one document"


def site_with_link(site: Path, dest: Path, href: str) -> Path:
    """A copy of the built pages and styles (what the guide is made from), with one more link in
    the content of topics/email.html."""
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("downloads", "*.zip", "search"))
    page = dest / "topics" / "email.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", f'<p><a href="{href}">the link</a></p></article>', 1), encoding="utf-8")
    return dest


@pytest.mark.parametrize(("href", "goes_to"), [
    ("../downloads/model-social-media-policy.docx", "downloads/model-social-media-policy.docx"),
    ("../downloads/posters/email.pdf", "downloads/posters/email.pdf"),
    ("../checklist.html#topics-email", "checklist.html#topics-email"),
])
def test_links_to_files_and_left_out_pages_go_to_the_site(site: Path, project: Project, tmp_path: Path, href: str, goes_to: str) -> None:
    book = BeautifulSoup(combined_guide_html(project, site_with_link(site, tmp_path / "site", href)), "html.parser")
    link = book.find("a", string="the link")
    assert link is not None and link["href"] == project.board.site_url + goes_to


@pytest.mark.parametrize("href", ["no-such-page.html", "../reporting-concerns.html#no-such-section", "#nowhere"])
def test_a_link_that_goes_nowhere_fails_the_guide_naming_its_page(site: Path, project: Project, tmp_path: Path, href: str) -> None:
    copy = site_with_link(site, tmp_path / "site", href)
    with pytest.raises(ContentError) as failure:
        documents_script.build_documents(project, copy / "downloads", only=["guide"])
    assert failure.value.report() == (
        "1 problem in the content:\n"
        f"  - docs/topics/email.md: in the guide PDF, the link to '{href}' goes nowhere: "
        "no page, section or file of the site has that address")
    assert not (copy / "downloads" / outputs.GUIDE).exists()


def test_a_missing_built_page_fails_naming_it(site: Path, project: Project, tmp_path: Path) -> None:
    copy = site_with_link(site, tmp_path / "site", "#")
    (copy / "topics" / "email.html").unlink()
    with pytest.raises(documents_script.DocumentsFailed, match=r"^guide\.pdf: the built page topics/email\.html "
                       r"\(from docs/topics/email\.md\) is not in "):
        documents_script.build_documents(project, copy / "downloads", only=["guide"])


def test_zensicals_skip_anchor_in_the_content_is_left_out(site: Path, project: Project, tmp_path: Path) -> None:
    """Zensical 0.0.73 writes `<a id="__skip" tabindex="-1"></a>` first inside the content's
    <article> (MkDocs + Material writes it before): chrome, not content, in either place."""
    copy = site_with_link(site, tmp_path / "site", "#")
    page = copy / "topics" / "email.html"
    html = page.read_text(encoding="utf-8")
    start = html.index(">", html.index('<article class="md-content__inner')) + 1
    page.write_text(html[:start] + '<a id="__skip" tabindex="-1"></a>' + html[start:], encoding="utf-8")
    book = combined_guide_html(project, copy)
    assert "__skip" not in book
    assert 'id="topics/email/:best-practice"' in book


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_content_cut_out_of_a_page_is_what_parsing_the_whole_page_finds(engine: str, site: Path, zensical_site: Path) -> None:
    """The guide parses only each page's content article, cut out of the built page (guide_pages
    `_content_html`): the same tree as parsing the whole page and selecting it, on every page of
    both engines' sites."""
    built = site if engine == "mkdocs" else zensical_site
    pages = [p for p in built.rglob("*.html") if p.relative_to(built).parts[0] != "downloads"]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        whole = _content(BeautifulSoup(html, "html.parser"))
        cut = _content(BeautifulSoup(_content_html(html), "html.parser"))
        assert whole is not None and str(cut) == str(whole), page.relative_to(built)


def test_a_nested_article_stays_inside_the_cut_and_a_page_without_one_is_parsed_whole() -> None:
    nested = ('<html><body><nav>x</nav><article class="md-content__inner md-typeset"><h1>T</h1>'
              '<ARTICLE><p>inner</p></article><p>after</p></article><footer>f</footer></body></html>')
    assert _content_html(nested) == nested[nested.index("<article"):nested.index("<footer>")]
    plain = "<html><body><main><article><h1>T</h1></article></main></body></html>"
    assert _content_html(plain) == plain
    unclosed = '<html><body><article class="md-content__inner"><h1>T</h1></body></html>'
    assert _content_html(unclosed) == unclosed
    # what only looks like an end tag, in a comment, a script or a style, or a custom element
    quoted = ('<body><article class="md-content__inner"><!-- </article> --><script>"</article>"</script>'
              '<style>p::after { content: "</article>" }</style><article-card>x</article-card><p>after</p></article><footer>')
    assert _content_html(quoted) == quoted.removeprefix("<body>").removesuffix("<footer>")
