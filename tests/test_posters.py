"""The posters: built by the session's real build (tests/conftest.py `site`), then checked as files."""
from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_project
from kit import colour
from kit.checks import load_project
from kit.errors import ContentError
from kit.dates import long_date
from kit import posters
from kit.outputs import TOKENS

SLUGS = ["social-networking", "email", "images", "mobile-phones", "live-streaming", "using-the-internet",
         "good-practice-summary", "general-guidelines", "reporting-concerns", "legal-consequences",
         "legal-consequences-added"]
MEDIABOX = {"a4": (595.28, 841.89), "a3": (841.89, 1190.55)}
CASES = [(slug, size) for slug in SLUGS for size in ("a4", "a3")]


@pytest.fixture(scope="session")
def poster_dir(site: Path) -> Path:
    return site / "downloads" / "posters"


_readers: dict[Path, PdfReader] = {}


def reader(path: Path) -> PdfReader:
    if path not in _readers:
        _readers[path] = PdfReader(path)
    return _readers[path]


def squash(text: str) -> str:
    """Text compared without any whitespace (line breaks fall anywhere, also after '/' or '-')."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"\s+", "", text)


def plain(markdown: str) -> str:
    """A content string as printed: inline Markdown removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(posters.inline(markdown))))


def poster_text(poster_dir: Path, slug: str, size: str) -> str:
    return squash(reader(poster_dir / f"{slug}-{size}.pdf").pages[0].extract_text())


def test_every_poster_file_is_there(poster_dir: Path, site: Path) -> None:
    expected = {f"{s}-{z}.pdf" for s, z in CASES} | {f"{s}.png" for s in SLUGS} | {"print"}  # print/: tests/test_print_posters.py
    assert {p.name for p in poster_dir.iterdir()} == expected
    assert (site / "downloads" / "posters.zip").is_file()


@pytest.mark.parametrize("slug,size", CASES)
def test_one_page_at_the_exact_paper_size(poster_dir: Path, slug: str, size: str) -> None:
    pdf = reader(poster_dir / f"{slug}-{size}.pdf")
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.left) == 0 and float(box.bottom) == 0
    assert float(box.width) == pytest.approx(MEDIABOX[size][0], abs=0.01)
    assert float(box.height) == pytest.approx(MEDIABOX[size][1], abs=0.01)


@pytest.mark.parametrize("slug,size", CASES)
def test_within_the_size_budget(poster_dir: Path, slug: str, size: str) -> None:
    assert (poster_dir / f"{slug}-{size}.pdf").stat().st_size <= 200 * 1024


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_topic_posters_carry_the_headline_and_every_best_practice_point(project, poster_dir: Path, size: str) -> None:
    assert [t.slug for t in project.topics] == SLUGS[:6]
    for topic in project.topics:
        text = poster_text(poster_dir, topic.slug, size)
        for part in [topic.title, topic.headline, topic.qualifier, topic.second_headline, *topic.best, *topic.safe,
                     *topic.poor, *topic.consequences, *topic.in_place]:
            assert squash(plain(part)) in text, f"{topic.slug}-{size}.pdf lacks: {part}"
        for label in ("Best practice", "Safe practice", "Consequences of poor practice", "What should be in place?"):
            assert squash(label) in text
        if topic.poor:
            assert "Poorpractice" in text


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_summary_posters_carry_every_point(project, poster_dir: Path, size: str) -> None:
    for slug, lists in (("good-practice-summary", project.summary), ("general-guidelines", project.guidelines)):
        text = poster_text(poster_dir, slug, size)
        assert squash(lists.title) in text
        for heading, items in lists.parts.items():
            assert squash(heading) in text or heading == "Remember"
            for item in items:
                assert squash(plain(item)) in text, f"{slug}-{size}.pdf lacks: {item}"


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_reporting_poster_has_999_local_contacts_ceop_and_iwf(project, poster_dir: Path, size: str) -> None:
    text = poster_text(poster_dir, "reporting-concerns", size)
    danger = (project.root / "docs" / "includes" / "immediate-danger.md").read_text(encoding="utf-8")
    message = " ".join(line.strip() for line in danger.splitlines()[1:] if line.strip())
    assert squash(plain(message)) in text and "999" in text
    for contact in project.board.contacts:
        assert squash(contact.label) in text
        assert squash(contact.phone or contact.email or contact.url) in text
    for link_id in ("ceop-safety-centre", "iwf-report"):
        link = project.links[link_id]
        assert squash(link.title) in text
        assert squash(posters.short_address(link.url)) in text


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_legal_poster_lists_every_offence_from_the_data_file(project, poster_dir: Path, size: str) -> None:
    # the 2012 guidance's offences on one poster, the offences it did not list on the other (never both)
    from kit.model.data import maximum_cells

    texts = {"original": poster_text(poster_dir, "legal-consequences", size),
             "added": poster_text(poster_dir, "legal-consequences-added", size)}
    assert {o.source for o in project.offences.rows} == set(texts)
    for o in project.offences.rows:
        text, other = texts[o.source], texts["added" if o.source == "original" else "original"]
        summary, indictment = maximum_cells(o)
        for part in (o.offence, o.statute, summary, indictment if o.indictment or o.mode == "not stated" else "Summary only"):
            assert squash(part) in text, f"{o.source} legal poster ({size}) lacks: {part}"
        assert squash(o.offence) not in other, f"{o.offence} is on both legal posters"


@pytest.mark.parametrize("slug,size", CASES)
def test_board_footer_review_date_and_page_address(project, poster_dir: Path, slug: str, size: str) -> None:
    text = poster_text(poster_dir, slug, size)
    spec = next(s for s in posters.poster_specs(project) if s.slug == slug)
    assert squash(project.board.name) in text
    # the 2012 guidance's own footer line (its spelling mistake "organsiational" fixed, its wording kept)
    assert squash("We recommend the above as good practice, these will be subject to management approval "
                  "and local organisational policies.") in text
    assert squash(f"Last reviewed {long_date(spec.last_reviewed)}") in text
    assert squash(posters.short_address(project.board.page_url(spec.html_path))) in text


@pytest.mark.parametrize("slug", SLUGS)
def test_qr_code_page_exists_on_the_site(project, site: Path, slug: str) -> None:
    spec = next(s for s in posters.poster_specs(project) if s.slug == slug)
    assert (site / spec.html_path).is_file()
    assert project.board.page_url(spec.html_path) == project.board.site_url + spec.html_path


def _font_descriptors(pdf: PdfReader) -> list[tuple[str, dict]]:
    out = []
    for font in pdf.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        out.append((str(font["/BaseFont"]), target["/FontDescriptor"].get_object()))
    return out


@pytest.mark.parametrize("slug,size", CASES)
def test_fonts_embedded_and_subset(poster_dir: Path, slug: str, size: str) -> None:
    fonts = _font_descriptors(reader(poster_dir / f"{slug}-{size}.pdf"))
    assert fonts
    for name, descriptor in fonts:
        assert "Atkinson-Hyperlegible" in name, name
        assert re.match(r"^/[A-Z]{6}\+", name), f"{name} is not a subset"
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} is not embedded"


def _structure(node, found: list) -> None:
    node = node.get_object()
    if node.get("/S") is not None:
        found.append((str(node["/S"]), node.get("/Alt")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            _structure(kid, found)


@pytest.mark.parametrize("slug,size", CASES)
def test_tagged_pdf_with_language_title_and_alt_text(project, poster_dir: Path, slug: str, size: str) -> None:
    pdf = reader(poster_dir / f"{slug}-{size}.pdf")
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    spec = next(s for s in posters.poster_specs(project) if s.slug == slug)
    assert pdf.metadata.title.startswith(spec.title)
    assert pdf.metadata.author == project.board.name
    found: list = []
    _structure(root["/StructTreeRoot"], found)
    figures = [alt for s, alt in found if s == "/Figure"]
    # the logo and the QR code, each with alternative text; the icons are CSS backgrounds (artifacts)
    assert len(figures) == 2 and all(figures), figures
    assert project.board.logo_alt in figures
    assert any(posters.short_address(project.board.page_url(spec.html_path)) in alt for alt in figures)
    tags = [s for s, _ in found]
    assert tags.index("/H1") < tags.index("/H2") if "/H2" in tags else "/H1" in tags


@pytest.mark.parametrize("slug", SLUGS)
def test_thumbnails(poster_dir: Path, slug: str) -> None:
    data = (poster_dir / f"{slug}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == posters.THUMB_WIDTH and height == pytest.approx(width * 297 / 210, abs=1)
    assert len(data) < 60 * 1024


def test_zip_holds_every_pdf_reproducibly(site: Path, poster_dir: Path) -> None:
    path = site / "downloads" / "posters.zip"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names == sorted(f"posters/{s}-{z_}.pdf" for s, z_ in CASES)
        for info in z.infolist():
            assert z.read(info) == (poster_dir / Path(info.filename).name).read_bytes()
        assert len({info.date_time for info in z.infolist()}) == 1
    again = posters.write_zip(poster_dir, site.parent / "again.zip", z.infolist()[0].date_time)
    assert again.read_bytes() == path.read_bytes()


def test_rendering_again_gives_the_same_bytes(project, site: Path, poster_dir: Path, tmp_path: Path) -> None:
    results = posters.render_all(project, tmp_path / "out", only=["email"], sizes=["a4"], use_cache=False,
                                 cache_dir=tmp_path / "cache")
    assert not results[0].cached and results[0].layouts > 0
    assert (tmp_path / "out" / "email-a4.pdf").read_bytes() == (poster_dir / "email-a4.pdf").read_bytes()
    assert (tmp_path / "out" / "email.png").read_bytes() == (poster_dir / "email.png").read_bytes()


def test_unchanged_posters_come_from_the_cache(project, site: Path, tmp_path: Path) -> None:
    results = posters.render_all(project, tmp_path)
    assert len(results) == 2 * len(SLUGS) and all(r.cached for r in results)
    assert all(not r.warnings for r in results), [r.warnings for r in results if r.warnings]
    assert all(r.body_pt >= posters.size_range(project.root / "posters", r.size)[1] for r in results)


def test_posters_page_lists_every_poster_and_all_its_links_resolve(site: Path) -> None:
    page = (site / "posters.html").read_text(encoding="utf-8")
    for slug in SLUGS:
        for target in (f"downloads/posters/{slug}-a4.pdf", f"downloads/posters/{slug}-a3.pdf", f"downloads/posters/{slug}.png"):
            assert f'"{target}"' in page
    assert '"downloads/posters.zip"' in page
    assert re.search(r"A4 PDF</a> \(\d+&nbsp;KB\)", page)
    for ref in re.findall(r'(?:href|src)="([^"]+)"', page):
        if re.match(r"^(?:[a-z]+:|#|//)", ref):
            continue
        target = (site / ref.split("#")[0].split("?")[0]).resolve()
        assert target.exists(), f"posters.html links to {ref}, which is not in the site"


def test_text_contrast_on_every_band(project) -> None:
    folder = project.root / "posters"
    colours = colour.css_colours((project.root / TOKENS).read_text(encoding="utf-8"),
                                 (folder / "poster.css").read_text(encoding="utf-8"), f"--sg-board: {project.board.colour};")
    pairs = [(name[:-3], colours[name], colours[name[:-3] + "-bg"]) for name in colours if name.endswith("-fg")]
    assert len(pairs) >= 10
    # muted text (review date, the law under each offence) also sits on the table's tinted rows
    pairs += [("muted on tint", colours["muted-fg"], colours["tint-bg"]), ("muted on note", colours["muted-fg"], colours["note-bg"])]
    for name, fg, bg in pairs:
        assert colour.contrast(fg, bg) >= 4.5, f"{name}: {fg} on {bg} is {colour.contrast(fg, bg):.2f}:1"
    # every text colour in the poster CSS is one of those checked pairs (or its parent's: links)
    for css in folder.rglob("*.css"):
        for value in re.findall(r"(?<![\w-])color:\s*([^;}]+)", css.read_text(encoding="utf-8")):
            assert re.fullmatch(r"var\(--[\w-]+-fg\)|inherit", value.strip()), f"{css.name}: color: {value}"


def test_layout_examples_match_their_templates(project) -> None:
    for layout in posters.LAYOUTS:
        html_text = posters.poster_html(project, posters.example_spec(project, layout), "a4")
        assert "/*FIT*/" in html_text and 'lang="en-GB"' in html_text


@pytest.mark.slow
def test_an_over_long_topic_fails_with_what_to_cut(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "docs" / "topics" / "email.md"
    extra = "".join(f"- An extra point number {i} that an editor added to the best practice, which makes the "
                    f"poster far too long to print on one page.\n" for i in range(40))
    page.write_text(page.read_text(encoding="utf-8").replace("## Safe practice", extra + "\n## Safe practice"),
                    encoding="utf-8")
    project = load_project(root)
    with pytest.raises(ContentError) as caught:
        posters.render_all(project, tmp_path / "out", only=["email"], sizes=["a4"])
    message = str(caught.value)
    assert "docs/topics/email.md" in message and "A4 poster" in message and "'Email' poster" in message
    assert "smallest size (10 pt)" in message
    assert re.search(r"about \d+% too long for A4\. Cut about \d+ words", message), message
    assert not (tmp_path / "out" / "email-a4.pdf").exists()
