"""The whole-guide PDF rendered chapter by chapter through a cache (kit/documents/guide_chapters.py) and
joined (kit/documents/pdf_join.py): real renders, from copies of the built site's pages with a topic
page edited. After an edit only what changed renders, and the file is byte for byte what a build
with an empty cache makes; page numbers (contents, footers) and links between chapters are right."""
from __future__ import annotations

import json
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from kit.documents.guide import finish_guide_html
from kit.documents.guide_chapters import GuideBuild, build_guide
from kit.documents.guide_pages import combined_guide_html
from conftest import page_images
from kit.documents import pdf_join
from kit.documents.guide_parts import CONTENTS, GOTO, NUMBERS
from kit.model import Project

pytestmark = pytest.mark.slow  # real renders (make test-fast leaves them out)

EDITED = "topics/email.html"
Cold = tuple[Path, Path, GuideBuild, Path]  # the PDF of a build with an empty cache, its cache, what it did, its site
PART = "topics/email/:"  # the part the edited page is in (a page of a chapter renders on its own)


def site_copy(site: Path, dest: Path, extra: str = "") -> Path:
    """The built pages and styles the guide is made from, with `extra` added to the email topic page."""
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("downloads", "*.zip", "search"))
    if extra:
        page = dest / EDITED
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace("</article>", extra + "</article>", 1), encoding="utf-8")
    return dest


def guide(project: Project, site_dir: Path, out: Path, cache: Path, executor: ProcessPoolExecutor | None = None) -> GuideBuild:
    html = finish_guide_html(project, combined_guide_html(project, site_dir), site_dir)
    return build_guide(project, html, site_dir.resolve().as_uri() + "/", out, (site_dir,), cache_dir=cache, executor=executor)


@pytest.fixture(scope="module")
def cold(site: Path, project: Project, tmp_path_factory: pytest.TempPathFactory) -> Cold:
    """A build with an empty cache, its chapters rendered in forked worker processes: (pdf, cache, build)."""
    folder = tmp_path_factory.mktemp("cold")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        built = guide(project, site_copy(site, folder / "site"), folder / "guide.pdf", folder / "cache", pool)
    return folder / "guide.pdf", folder / "cache", built, folder / "site"


def warm_cache(cold: Cold, dest: Path) -> Path:
    return Path(shutil.copytree(cold[1], dest))


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def test_a_cold_build_renders_every_part_and_records_what_it_read(cold: Cold) -> None:
    pdf, cache, built, _ = cold
    assert built.pages == len(PdfReader(pdf).pages)
    assert built.rendered.count(CONTENTS) == 1, "the contents laid out more than once: its first guess was wrong"
    assert sorted(built.rendered) == sorted({*built.rendered}) and {CONTENTS, PART, NUMBERS} <= {*built.rendered}
    read = set()
    for entry in cache.glob("*.json"):
        read |= set(json.loads(entry.read_text(encoding="utf-8"))["files"])
    for name in ("assets/stylesheets/site.css", "documents/shared/print.css", "documents/guide/guide.css",
                 "docs/assets/fonts/fonts.css", "docs/assets/stylesheets/tokens.css", ".woff2"):
        assert any(path.endswith(name) for path in read), f"the cache keys do not cover {name}: {sorted(read)}"
    assert not any(path.startswith(("/", "-:")) for path in read), "files are named by their place in the project or site"


def test_after_a_one_page_edit_only_its_chapter_renders_and_the_file_is_a_cold_builds(
        cold: Cold, site: Path, project: Project, tmp_path: Path) -> None:
    edit = "<p>One more sentence, as an editor might add to a topic page.</p>"
    edited = site_copy(site, tmp_path / "site", edit)
    warm = guide(project, edited, tmp_path / "warm.pdf", warm_cache(cold, tmp_path / "cache"))
    assert warm.rendered == [PART], warm.rendered
    again = guide(project, edited, tmp_path / "again.pdf", tmp_path / "cache")
    assert again.rendered == [], "a build with nothing changed renders nothing"
    fresh = guide(project, site_copy(site, tmp_path / "other-site", edit), tmp_path / "fresh.pdf", tmp_path / "empty-cache")
    assert len(fresh.rendered) > 9
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    assert (tmp_path / "warm.pdf").read_bytes() != cold[0].read_bytes()


def destination_pages(pdf: pikepdf.Pdf) -> dict[str, int]:
    numbers = {page.objgen: i for i, page in enumerate(pdf.pages)}
    flat = list(pdf.Root.Names.Dests.Names)
    return {str(flat[i]): numbers[flat[i + 1][0].objgen] for i in range(0, len(flat), 2)}


def test_an_edit_that_adds_pages_renumbers_the_contents_and_the_footers_without_rendering_later_chapters(
        cold: Cold, site: Path, project: Project, tmp_path: Path) -> None:
    longer = "".join(f"<p>Paragraph {i} of a longer topic page, long enough to need pages of its own once there "
                     "are forty of them in a row, which is what an editor adding a case study might do.</p>" for i in range(40))
    edited = site_copy(site, tmp_path / "site", longer)
    out = tmp_path / "guide.pdf"
    built = guide(project, edited, out, warm_cache(cold, tmp_path / "cache"))
    before = cold[2].pages
    assert built.pages > before
    assert built.starts[-1] > cold[2].starts[-1], "the last chapter (after the edited one) did not move"
    # the edited page, and what prints page numbers: the contents and the numbers sheet; not the parts it moved
    assert sorted(built.rendered) == sorted([PART, CONTENTS, NUMBERS]), built.rendered
    reader = PdfReader(out)
    texts = [words(page.extract_text() or "") for page in reader.pages]
    assert len(texts) == built.pages
    for number, text in enumerate(texts[1:], start=2):
        assert re.search(rf"Page {number} of {built.pages}\b", text), f"page {number}: no 'Page {number} of {built.pages}' in the footer"
    with pikepdf.open(out) as pdf:
        pages = destination_pages(pdf)
    toc = [(str(a["href"]).removeprefix("#"), words(a.get_text())) for a in book(edited, project).select("#doc-toc a")]
    contents_text = " ".join(texts[1:pages[".:"]])
    for anchor, title in toc:
        assert re.search(re.escape(title) + r"[ .]*" + str(pages[anchor] + 1) + r"\b", contents_text), \
            f"the contents do not give '{title}' page {pages[anchor] + 1}"
    fresh = guide(project, site_copy(site, tmp_path / "other-site", longer), tmp_path / "fresh.pdf", tmp_path / "empty-cache")
    assert fresh.pages == built.pages
    assert out.read_bytes() == (tmp_path / "fresh.pdf").read_bytes()


def book(site_dir: Path, project: Project) -> BeautifulSoup:
    return BeautifulSoup(combined_guide_html(project, site_dir), "html.parser")


def test_links_between_chapters_are_goto_links_landing_on_their_target(cold: Cold, project: Project) -> None:
    pdf_path, _, built, site_dir = cold
    starts = built.starts  # each part's first page (1-based)
    assert len(starts) >= 10

    def part(index: int) -> int:
        return max(i for i, start in enumerate(starts) if start <= index + 1)

    headings = {str(h["id"]): words(h.get_text()) for h in book(site_dir, project).select("h1[id], h2[id], h3[id], h4[id]")}
    texts = [words(page.extract_text() or "") for page in PdfReader(pdf_path).pages]
    assert GOTO.encode() not in pdf_path.read_bytes()
    crossing = checked = 0
    with pikepdf.open(pdf_path) as pdf:
        pages = destination_pages(pdf)
        for number, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if "/Dest" not in annot:
                    assert str(annot.A.S) == "/URI" and not str(annot.A.URI).startswith(GOTO)
                    continue
                name = str(annot.Dest)
                assert name in pages, f"page {number + 1}: a link to #{name}, which is no destination"
                assert str(annot.get("/Contents")) == name
                target = pages[name]
                if part(number) != part(target):
                    crossing += 1
                    if name in headings:
                        assert headings[name] in texts[target], f"the link to #{name} lands on page {target + 1}, without '{headings[name]}'"
                        checked += 1
    assert crossing > 30 and checked > 20, (crossing, checked)


def test_each_face_is_embedded_once_and_every_page_looks_as_with_the_parts_own_subsets(
        cold: Cold, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf_path, _, built, _ = cold
    with pikepdf.open(pdf_path) as pdf:
        faces: dict[str, set] = {}
        for page in pdf.pages:
            for _name, font in page.Resources.get("/Font", {}).items():
                faces.setdefault(str(font.BaseFont), set()).add(font.objgen)
    assert len(faces) >= 3 and all(len(fonts) == 1 for fonts in faces.values()), faces
    monkeypatch.setattr(pdf_join, "merge_subsets", lambda pdf: 0)
    pdf_join.join(built.parts[:-1], tmp_path / "own-subsets.pdf", GOTO, numbers=built.parts[-1])
    with pikepdf.open(tmp_path / "own-subsets.pdf") as pdf:
        assert len({f.objgen for p in pdf.pages for _n, f in p.Resources.get("/Font", {}).items()}) > 2 * len(faces)
    assert page_images(tmp_path / "own-subsets.pdf") == page_images(pdf_path), "a page draws differently with one font per face"


def outline_children(item: pikepdf.Object) -> list[pikepdf.Object]:
    found, child = [], item.get("/First")
    while child is not None:
        found.append(child)
        child = child.get("/Next")
    return found


def test_the_outline_nests_each_chapters_pages_under_it_as_the_contents_do(cold: Cold, project: Project) -> None:
    """A chapter's later pages are parts of their own: their bookmarks still go under the chapter's."""
    pdf_path, _, _, site_dir = cold
    toc = book(site_dir, project).select_one("#doc-toc > ul")
    assert toc is not None
    expected = [(words(li.a.get_text()), [words(a.get_text()) for a in li.select(":scope > ul > li > a")])
                for li in toc.find_all("li", recursive=False)]
    with pikepdf.open(pdf_path) as pdf:
        outline = [(words(str(item.Title)), [words(str(c.Title)) for c in outline_children(item)])
                   for item in outline_children(pdf.Root.Outlines) if str(item.Title) != "Contents"]
        shown = len(outline_children(pdf.Root.Outlines)) + sum(max(0, int(i.get("/Count", 0))) for i in outline_children(pdf.Root.Outlines))
        assert int(pdf.Root.Outlines.Count) == shown
    assert any(children for _, children in expected) and outline == expected
