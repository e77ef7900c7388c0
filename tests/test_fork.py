"""Fork it for another board: one config block and a logo change everything.

A copy of the project is rebranded as a fictional board (its own name, short name, logo, colour,
site address and contacts) and the whole kit is built from it once per session. Then every file of
the output is read (HTML text and attributes, PDF text, metadata, annotations and every string
object, DOCX text and properties, zip member names and contents, file names) and the default
board's name, short name, contacts and logo must appear nowhere, except the credit to the original
authors (`extra.origin`) on the About page. The fictional board's name, colour and contacts must be
on every poster and on the guide's cover, and QR codes must point at its site.

`make check-fork` (scripts/check_fork.py) is tested both ways on throwaway copies.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project
from kit.checks import load_project
from kit.model import Project
from kit.colour import contrast, darken_for_white_text, rgb
from kit.build import pipeline as build_script
from scripts.check_fork import last_line

BRAND_COLOUR = "#f5a623"  # about 2:1 with white text
FICTIONAL_BOARD: dict[str, Any] = {
    "name": "Wexcombe Safeguarding Children Partnership",
    "short_name": "WSCP",
    "logo": "assets/wexcombe-logo.svg",
    "logo_alt": "Wexcombe Safeguarding Children Partnership logo",
    # The board's brand orange fails 4.5:1 with white text, so `make check` refuses it and suggests this
    # darker shade (test_a_colour_that_fails_contrast_is_refused_with_a_darker_shade), which the board takes.
    "colour": darken_for_white_text(BRAND_COLOUR),
    "site_url": "https://safeguarding.wexcombe.example/online-safety/",
    "contacts": [
        # 01632 960xxx: Ofcom's range for drama, never a real line.
        {"label": "Wexcombe children and families front door", "phone": "01632 960123",
         "email": "frontdoor@wexcombe.example"},
        {"label": "Wexcombe Police non-emergency desk", "phone": "01632 960456",
         "url": "https://police.wexcombe.example/report"},
    ],
}

FICTIONAL_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96" role="img">
  <title>Wexcombe partnership logo</title>
  <circle cx="48" cy="48" r="46" fill="#f5a623"/>
  <path d="M20 30h10l8 30 10-30 10 30 8-30h10L62 72H52L48 58 44 72H34Z" fill="#ffffff"/>
</svg>
"""

TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".csv", ".md",
                 ".yml", ".yaml", ".webmanifest", ".map"}
BINARY_SKIP = {".woff", ".woff2", ".ttf", ".otf", ".eot", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico"}


# --------------------------------------------------------------------------- the fork


def rebrand(root: Path, board: dict[str, Any] = FICTIONAL_BOARD, logo_svg: str = FICTIONAL_LOGO) -> None:
    """What a new board does: replace the `extra.board` block of mkdocs.yml, add its logo, delete
    the original logo. Every other line of mkdocs.yml (comments, extra.origin, nav) stays."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    node = yaml.compose(text)
    extra = next(v for k, v in node.value if k.value == "extra")
    key, value = next((k, v) for k, v in extra.value if k.value == "board")
    lines = text.splitlines(keepends=True)
    start, end = key.start_mark.line, last_line(value)  # 0-based first line, 1-based last line
    indent = " " * key.start_mark.column
    block = yaml.safe_dump({"board": board}, sort_keys=False, allow_unicode=True, width=1000)
    # The values change; the anchors that give the engines the site address and the logo stay (mkdocs.yml).
    block = block.replace("\n  logo: ", "\n  logo: &board_logo ", 1).replace("\n  site_url: ", "\n  site_url: &board_site_url ", 1)
    block = "".join(indent + line + "\n" for line in block.splitlines())
    config.write_text("".join(lines[:start]) + block + "".join(lines[end:]), encoding="utf-8")
    (root / "docs" / board["logo"]).write_text(logo_svg, encoding="utf-8")
    upstream_logo = root / "docs" / load_project(ROOT).board.logo
    if upstream_logo.resolve() != (root / "docs" / board["logo"]).resolve():
        upstream_logo.unlink()


@dataclass
class Fork:
    root: Path
    site: Path
    project: Project
    seconds: float


@pytest.fixture(scope="session")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Fork:
    """The whole kit built from a copy of this repository rebranded as the fictional board."""
    base = tmp_path_factory.mktemp("fork")
    root = copy_project(base / "project")
    rebrand(root)
    project = load_project(root)
    started = time.perf_counter()
    build_script.build(root, base / "site")
    seconds = time.perf_counter() - started
    print(f"\nfork build: {seconds:.1f} s")
    return Fork(root, base / "site", project, seconds)


@pytest.fixture(scope="session")
def default() -> Project:
    return load_project(ROOT)


# --------------------------------------------------------------------------- reading every output


@dataclass
class Chunk:
    where: str  # file (and part) it came from, relative to the site
    text: str
    about: bool = False  # part of the About page, where the credit to the original authors belongs


def _squash(text: str) -> str:
    return " ".join(text.split())


def _html_chunks(where: str, data: bytes) -> Iterator[Chunk]:
    raw = data.decode("utf-8", errors="replace")
    soup = BeautifulSoup(raw, "lxml")
    about = Path(where.split("!")[-1]).name == "about.html"
    yield Chunk(where, _squash(soup.get_text(" ")), about)
    # Attributes (alt, title, content, href…), scripts and styles: the source with entities decoded.
    yield Chunk(f"{where} (source)", _squash(html.unescape(raw)), about)


def _search_index_chunks(where: str, raw: str) -> Iterator[Chunk] | None:
    start = raw.find("{")
    try:
        index = json.loads(raw[start:].rstrip().rstrip(";")) if start >= 0 else None
    except json.JSONDecodeError:
        return None
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return None

    def chunks() -> Iterator[Chunk]:
        for doc in index["docs"]:
            location = str(doc.get("location", ""))
            text = html.unescape(re.sub(r"<[^>]+>", " ", f"{doc.get('title', '')} {doc.get('text', '')}"))
            yield Chunk(f"{where}#{location}", _squash(text), location.split("#")[0] == "about.html")
        rest = {k: v for k, v in index.items() if k != "docs"}
        yield Chunk(f"{where} (config)", json.dumps(rest))

    return chunks()


def _pdf_strings(obj: Any, seen: set[int], out: list[str], reader: Any) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, (DictionaryObject, StreamObject)):
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/Metadata":
            out.append(obj.get_data().decode("utf-8", errors="replace"))  # XMP metadata
        for key, value in obj.items():
            if key in ("/Parent", "/P"):  # back-references: reached from the top anyway
                continue
            _pdf_strings(value, seen, out, reader)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _pdf_strings(value, seen, out, reader)
    elif isinstance(obj, str):  # TextStringObject, NameObject, ByteStringObject-as-text
        out.append(str(obj))
    elif isinstance(obj, bytes):
        out.append(obj.decode("latin-1"))


def pdf_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def _pdf_chunks(where: str, data: bytes, about_title: str) -> Iterator[Chunk]:
    reader = pdf_reader(data)
    pages = [_squash(p.extract_text() or "") for p in reader.pages]
    # A PDF of the whole guide reproduces the About page, and with it the credit.
    reproduces_about = any(about_title.lower() in p.lower() for p in pages)
    for i, text in enumerate(pages, start=1):
        yield Chunk(f"{where} page {i}", text, reproduces_about)
    strings: list[str] = []
    _pdf_strings(reader.trailer, set(), strings, reader)  # metadata, XMP, links, alt text, outlines…
    yield Chunk(f"{where} (metadata and objects)", _squash(" ".join(strings)), reproduces_about)


def _docx_chunks(where: str, data: bytes) -> Iterator[Chunk]:
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]

    def cells(tables: Any) -> Iterator[str]:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from (p.text for p in cell.paragraphs)
                    yield from cells(cell.tables)

    texts += list(cells(document.tables))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            texts += [p.text for p in part.paragraphs]
    yield Chunk(where, _squash("\n".join(texts)))
    props = document.core_properties
    values = [props.author, props.title, props.subject, props.keywords, props.comments, props.category,
              props.last_modified_by, props.identifier, props.content_status, props.language, props.version]
    yield Chunk(f"{where} (properties)", _squash(" ".join(str(v) for v in values if v)))
    # Every other part (app.xml's Company, hyperlink targets in .rels, alt text, fields): raw XML.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                raw = z.read(name).decode("utf-8", errors="replace")
                yield Chunk(f"{where}!{name}", _squash(html.unescape(re.sub(r"<[^>]+>", "", raw))))
                yield Chunk(f"{where}!{name} (source)", _squash(html.unescape(raw)))


# What a file's bytes give, by (kind, content hash, what else it depends on) -> (where, after the
# file's own `where`; text; about). The output holds most files several times (the offline zip holds
# the site, the posters zip the posters): each HTML page, PDF and Word document is parsed once, and
# what it holds reported at every place it is.
_PARSED: dict[tuple[str, str, object], list[tuple[str, str, bool]]] = {}


def _parsed_once(kind: str, where: str, data: bytes, depends: object, parse: Any) -> Iterator[Chunk]:
    key = (kind, hashlib.sha256(data).hexdigest(), depends)
    if key not in _PARSED:
        _PARSED[key] = [(c.where[len(where):], c.text, c.about) for c in parse(where)]
    for rest, text, about in _PARSED[key]:
        yield Chunk(where + rest, text, about)


def extract(where: str, data: bytes, about_title: str) -> Iterator[Chunk]:
    """Every piece of text in a file of the output, whatever its kind (zips are opened)."""
    name = where.split("!")[-1]
    yield Chunk(f"{where} (file name)", name)
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm"):
        yield from _parsed_once("html", where, data, Path(name).name == "about.html",
                                lambda w: _html_chunks(w, data))
    elif suffix == ".pdf":
        yield from _parsed_once("pdf", where, data, about_title, lambda w: _pdf_chunks(w, data, about_title))
    elif suffix in (".docx", ".docm", ".dotx"):
        yield from _parsed_once("docx", where, data, None, lambda w: _docx_chunks(w, data))
    elif suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            yield Chunk(f"{where} (member names)", " ".join(z.namelist()))
            for member in z.namelist():
                if not member.endswith("/"):
                    yield from extract(f"{where}!{member}", z.read(member), about_title)
    elif suffix == ".gz":
        yield from extract(where[:-3], gzip.decompress(data), about_title)
    elif suffix in BINARY_SKIP:
        return
    else:
        raw = data.decode("utf-8", errors="replace")
        if suffix in (".json", ".js") and "search_index" in name:
            chunks = _search_index_chunks(where, raw)
            if chunks is not None:
                yield from chunks
                return
        if suffix in TEXT_SUFFIXES or b"\0" not in data[:4096]:
            yield Chunk(where, _squash(html.unescape(raw)))


def output_files(site: Path) -> Iterator[tuple[str, bytes]]:
    for f in sorted(site.rglob("*")):
        if f.is_file():
            yield f.relative_to(site).as_posix(), f.read_bytes()


def all_files(site: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of the output, and every member of every zip in it."""
    for rel, data in output_files(site):
        yield rel, data
        if rel.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    if not member.endswith("/"):
                        yield f"{rel}!{member}", z.read(member)


# --------------------------------------------------------------------------- what must not appear


def _words(text: str) -> str:
    return r"(?<![\w])" + r"\s*".join(re.escape(w) for w in text.split()) + r"(?![\w])"


def _phone(phone: str) -> str:
    return r"(?<!\d)" + r"[\s.\-()]*".join(re.sub(r"\D", "", phone)) + r"(?!\d)"


def identity_needles(project: Project) -> dict[str, re.Pattern[str]]:
    """What identifies a board in text: name, short name, logo text, contacts, web host."""
    b = project.board
    needles = {f"name {b.name!r}": _words(b.name), f"short name {b.short_name!r}": _words(b.short_name),
               f"logo alt {b.logo_alt!r}": _words(b.logo_alt)}
    host = re.sub(r"^https?://(www\.)?", "", b.site_url).split("/")[0]
    needles[f"site address {host}"] = _words(host)
    for c in b.contacts:
        if len(c.label) >= 8:
            needles[f"contact {c.label!r}"] = _words(c.label)
        if c.phone and len(re.sub(r"\D", "", c.phone)) > 5:  # 101, 999 and the like are national numbers
            needles[f"phone {c.phone}"] = _phone(c.phone)
        if c.email:
            needles[f"email {c.email}"] = _words(c.email)
        if c.url:
            needles[f"contact address {c.url}"] = _words(re.sub(r"^https?://(www\.)?", "", c.url).rstrip("/"))
    return {what: re.compile(rx, re.I) for what, rx in needles.items()}


def upstream_needles() -> dict[str, re.Pattern[str]]:
    """The original board's words from upstream-identity.yml (also checked by `make check-fork`)."""
    identity = yaml.safe_load((ROOT / "upstream-identity.yml").read_text(encoding="utf-8"))
    return {f"word {w!r} (upstream-identity.yml)": re.compile(_words(str(w)), re.I) for w in identity.get("words") or []}


def credit_pattern(project: Project) -> re.Pattern[str]:
    # PDF text may break a line (or hyphenate a word) anywhere in the credit.
    return re.compile(r"[\s\-\u00ad]*".join(re.escape(w) for w in project.config.origin.credit.split()), re.I)


def leaks(site: Path, default: Project, about_title: str) -> list[str]:
    needles = {**identity_needles(default), **upstream_needles()}
    credit = credit_pattern(default)
    found: list[str] = []
    for rel, data in output_files(site):
        for chunk in extract(rel, data, about_title):
            text = credit.sub(" [credit] ", chunk.text) if chunk.about else chunk.text
            for what, rx in needles.items():
                m = rx.search(text)
                if m:
                    context = text[max(0, m.start() - 60): m.end() + 60]
                    found.append(f"{chunk.where}: the default board's {what}: …{context}…")
    return found


# --------------------------------------------------------------------------- PDF helpers


def pdf_colours(reader: Any, page_index: int) -> set[tuple[float, float, float]]:
    """Every RGB fill and stroke colour a page paints with (its content and its form XObjects)."""
    from pypdf.generic import ContentStream

    colours: set[tuple[float, float, float]] = set()

    def scan(content: Any, resources: Any, depth: int = 0) -> None:
        for operands, op in ContentStream(content, reader).operations:
            if op in (b"rg", b"RG", b"sc", b"SC", b"scn", b"SCN") and len(operands) == 3:
                try:
                    colours.add(tuple(float(x) for x in operands))  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    pass
        xobjects = (resources or {}).get("/XObject") if resources else None
        if xobjects and depth < 5:
            for ref in xobjects.get_object().values():
                x = ref.get_object()
                if x.get("/Subtype") == "/Form":
                    scan(x, x.get("/Resources") or resources, depth + 1)

    page = reader.pages[page_index]
    scan(page.get_contents(), page.get("/Resources"))
    return colours


def paints_colour(reader: Any, page_index: int, hex_colour: str) -> bool:
    want = tuple(c / 255 for c in rgb(hex_colour))
    return any(all(abs(a - b) <= 1.5 / 255 for a, b in zip(got, want)) for got in pdf_colours(reader, page_index))


def link_uris(reader: Any, page_index: int) -> list[str]:
    uris = []
    for annot in reader.pages[page_index].get("/Annots") or []:
        action = annot.get_object().get("/A")
        if action and action.get_object().get("/URI"):
            uris.append(str(action.get_object()["/URI"]))
    return uris


def posters(site: Path) -> list[Path]:
    return sorted((site / "downloads" / "posters").glob("*.pdf"))


def guide_pdfs(site: Path) -> list[Path]:
    """The whole-guide PDF (downloads/guide.pdf, or guide-*.pdf should there be several)."""
    return sorted(p for p in (site / "downloads").glob("*.pdf") if re.match(r"guide(\b|[-_.])", p.name.lower()))


# --------------------------------------------------------------------------- tests: the built fork


def test_rebrand_changes_only_extra_board(fork: Fork, default: Project) -> None:
    b = fork.project.board
    assert b.name == FICTIONAL_BOARD["name"] and b.short_name == FICTIONAL_BOARD["short_name"]
    assert fork.project.config.origin == default.config.origin, "the credit to the original authors stays"
    assert not (fork.root / "docs" / default.board.logo).exists() or default.board.logo == b.logo


def test_a_colour_that_fails_contrast_is_refused_with_a_darker_shade(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    rebrand(root, {**FICTIONAL_BOARD, "colour": BRAND_COLOUR})
    shade = darken_for_white_text(BRAND_COLOUR)
    assert contrast(BRAND_COLOUR, "#ffffff") < 4.5 <= contrast(shade, "#ffffff")
    result = subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--check"], cwd=root, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"mkdocs.yml: field extra.board.colour: '{BRAND_COLOUR}' is too light for the white text written on it"
            in result.stderr and f'use "{shade}"' in result.stderr), result.stderr


def test_the_site_paints_the_board_colour_behind_white_text(fork: Fork) -> None:
    b = fork.project.board
    assert b.colour == FICTIONAL_BOARD["colour"] and contrast(b.colour, "#ffffff") >= 4.5
    page = (fork.site / "index.html").read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {b.colour}" in page
    assert BRAND_COLOUR not in page.lower()


def test_the_site_carries_the_fictional_board(fork: Fork) -> None:
    b = fork.project.board
    index = BeautifulSoup((fork.site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert b.name in index.find("footer").get_text()
    logos = index.select("header img")
    assert logos and all(img["src"].endswith(Path(b.logo).name) and img["alt"] == b.logo_alt for img in logos)
    assert (fork.site / b.logo).read_text(encoding="utf-8") == FICTIONAL_LOGO
    assert index.find("link", rel="canonical")["href"].startswith(b.site_url)
    assert b.name in (fork.site / "introduction.html").read_text(encoding="utf-8")
    concerns = BeautifulSoup((fork.site / "reporting-concerns.html").read_text(encoding="utf-8"), "lxml")
    body = concerns.find("article").get_text(" ")
    hrefs = {a["href"] for a in concerns.find_all("a", href=True)}
    for c in b.contacts:
        assert c.label in body and c.phone in body
    assert "mailto:frontdoor@wexcombe.example" in hrefs and "tel:01632960123" in hrefs
    sitemap = (fork.site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.findall(r"<loc>([^<]+)</loc>", sitemap) and all(
        loc.startswith(b.site_url) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap))


def test_the_credit_to_the_original_authors_is_on_the_about_page(fork: Fork, default: Project) -> None:
    about = BeautifulSoup((fork.site / "about.html").read_text(encoding="utf-8"), "lxml")
    assert credit_pattern(default).search(_squash(about.find("article").get_text(" ")))


def test_no_trace_of_the_default_board_in_any_output(fork: Fork, default: Project) -> None:
    """HTML, search index, CSS/JS, sitemaps, PDFs (text, metadata, links, alt text), DOCX (text,
    properties, every XML part), zips (names and contents), file names: only the About page's
    credit may name the default board."""
    about_title = str(default.pages["about.md"].meta["title"])
    found = leaks(fork.site, default, about_title)
    assert not found, f"{len(found)} traces of the default board:\n" + "\n".join(found[:40])


def test_no_output_file_is_the_default_logo(fork: Fork, default: Project) -> None:
    original = hashlib.sha256((ROOT / "docs" / default.board.logo).read_bytes()).hexdigest()
    same = [rel for rel, data in all_files(fork.site) if hashlib.sha256(data).hexdigest() == original]
    assert not same, f"the default board's logo is still published as {same}"


def test_the_output_is_covered_by_this_test(fork: Fork) -> None:
    """The walk above reads every kind of file the build writes: a new kind of output must be taught here."""
    readable = {".html", ".pdf", ".docx", ".zip", ".gz"} | TEXT_SUFFIXES | BINARY_SKIP
    kinds = {Path(rel.split("!")[-1]).suffix.lower() for rel, _data in all_files(fork.site)}
    assert kinds <= readable | {""}, f"output of a kind the rebrand test does not read: {sorted(kinds - readable)}"


def qr_codes(pdf: Path) -> list[str]:
    """What the QR codes on a PDF's pages say (drawn with pdfium, read with zxing-cpp)."""
    import pypdfium2
    import zxingcpp

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        found: list[str] = []
        for page in doc:
            for scale in (2, 4):
                image = page.render(scale=scale, grayscale=True).to_pil()
                codes = [c.text for c in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
                if codes:
                    found += codes
                    break
        return found
    finally:
        doc.close()


def built_posters(fork: Fork) -> list[Path]:
    found = posters(fork.site)
    assert found, "the build wrote no posters under downloads/posters/"
    return found


def test_every_poster_carries_the_fictional_board(fork: Fork) -> None:
    """Name, colour (the accessible shade behind white text), PDF author, and a QR code to its site."""
    b = fork.project.board
    short_site = re.sub(r"^https?://", "", b.site_url).rstrip("/")
    for pdf in built_posters(fork):
        reader = pdf_reader(pdf.read_bytes())
        text = _squash(" ".join(p.extract_text() or "" for p in reader.pages))
        where = pdf.relative_to(fork.site)
        assert b.name in text, f"{where}: no board name"
        assert any(paints_colour(reader, i, b.colour_accessible) for i in range(len(reader.pages))), \
            f"{where}: the board's (accessible) colour is not used"
        meta = reader.metadata or {}
        assert b.name in str(meta.get("/Author", "")), f"{where}: PDF author is {meta.get('/Author')!r}"
        # The QR code leads to the board's site, and the address printed beside it is the same.
        codes = qr_codes(pdf)
        assert codes and all(c.startswith(b.site_url) for c in codes), f"{where}: QR codes lead to {codes}"
        assert short_site in text.replace(" ", ""), f"{where}: the board's site address is not printed"


def test_every_poster_carries_the_fictional_boards_contacts(fork: Fork) -> None:
    b = fork.project.board
    missing = []
    for pdf in built_posters(fork):
        text = _squash(" ".join(p.extract_text() or "" for p in pdf_reader(pdf.read_bytes()).pages))
        if not any(c.phone in text for c in b.contacts):
            missing.append(str(pdf.relative_to(fork.site)))
    assert not missing, f"no local contact on: {missing}"


def built_guides(fork: Fork) -> list[Path]:
    found = guide_pdfs(fork.site)
    assert found, "the build wrote no guide PDF under downloads/"
    return found


def test_the_guide_cover_carries_the_fictional_board(fork: Fork) -> None:
    b = fork.project.board
    for pdf in built_guides(fork):
        reader = pdf_reader(pdf.read_bytes())
        cover = _squash(reader.pages[0].extract_text() or "")
        where = pdf.relative_to(fork.site)
        assert b.name in cover, f"{where}: the cover does not name the board: {cover[:200]}"
        assert re.sub(r"^https?://", "", b.site_url).rstrip("/") in cover.replace(" ", ""), f"{where}: no site address"
        assert paints_colour(reader, 0, b.colour_accessible) or paints_colour(reader, 0, b.colour), \
            f"{where}: the cover does not use the board's colour"
        assert b.name in str((reader.metadata or {}).get("/Author", "")), f"{where}: PDF author is not the board"


def test_the_guide_cover_carries_the_fictional_boards_contacts(fork: Fork) -> None:
    b = fork.project.board
    for pdf in built_guides(fork):
        cover = _squash(pdf_reader(pdf.read_bytes()).pages[0].extract_text() or "")
        assert any(c.phone in cover for c in b.contacts), f"{pdf.name}: no local contact on the cover: {cover[:300]}"


# --------------------------------------------------------------------------- tests: make check-fork


def check_fork(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_fork.py"), "--root", str(root)],
                          capture_output=True, text=True, timeout=120)


def test_check_fork_passes_on_a_rebranded_copy(fork: Fork) -> None:
    run = check_fork(fork.root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No trace of the original board" in run.stdout


def test_check_fork_lists_what_a_fork_has_left(tmp_path: Path, default: Project) -> None:
    root = copy_project(tmp_path / "project")
    rebrand(root)
    # Left behind: the original name in a page, the original logo under another name, an unchecked
    # example contact, the original site address in a template.
    intro = root / "docs" / "introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8") + f"\nAsk the {default.board.short_name} team.\n", encoding="utf-8")
    intro_line = len(intro.read_text(encoding="utf-8").splitlines())
    (root / "docs" / "assets" / "old-logo.svg").write_bytes((ROOT / "docs" / default.board.logo).read_bytes())
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "phone: 01632 960456", "phone: 01632 960456\n      note: 'example contact: check before publishing'"), encoding="utf-8")
    template = root / "overrides" / "main.html"
    template.write_text(template.read_text(encoding="utf-8") + f"\n<!-- {default.board.site_url} -->\n", encoding="utf-8")
    run = check_fork(root)
    assert run.returncode == 1, run.stdout
    out = run.stdout
    assert f"docs/introduction.md:{intro_line}: the original board's short name" in out
    assert "docs/assets/old-logo.svg: is the original board's logo" in out
    assert re.search(r"mkdocs\.yml:\d+: a contact still marked as an example", out)
    assert re.search(r"overrides/main\.html:\d+: .*web address", out)
    assert "4 places" in out, out
    assert "extra.origin" in out  # says the credit stays on purpose


def test_check_fork_on_an_unchanged_copy_lists_the_whole_identity_but_not_the_credit(tmp_path: Path, default: Project) -> None:
    root = copy_project(tmp_path / "project")
    run = check_fork(root)
    assert run.returncode == 1
    out = run.stdout
    config_lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    name_line = next(i for i, line in enumerate(config_lines, 1) if re.match(r"\s+name:", line))
    assert f"mkdocs.yml:{name_line}: the original board's name" in out
    assert f"{Path('docs', default.board.logo).as_posix()}: is the original board's logo" in out
    credit_lines = [i for i, line in enumerate(config_lines, 1) if "first written by" in line]
    assert credit_lines and not any(f"mkdocs.yml:{i}:" in out for i in credit_lines)
    assert "Note: extra.board.colour is still the original board's colour" in out
