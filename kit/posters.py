"""The poster kit: A4 and A3 PDF posters (and PNG thumbnails) rendered with WeasyPrint from the
same content as the site pages.

    specs = poster_specs(project)              # what each poster says, from the loader
    results = render_all(project, out_dir)     # fit, render, thumbnail; cached by content hash
    write_zip(out_dir, out_dir.parent / "posters.zip")

Layouts live in `posters/<layout>/template.html` (+ CSS and an example context); `posters/poster.css`
is shared and `posters/a4.css` / `a3.css` set the page size and the type-size range. Every word on a
poster comes from the loader (kit.load_project): the templates hold structure only.

Fitting: the body text size (--body, the root font size) is searched between the size sheet's
--body-floor and --body-max by laying the poster out with WeasyPrint and measuring the height it
needs (the footer is absolutely placed, so overflow runs under it or onto a second page and is
measured either way); the spare height is then shared out between the sections so the page is
filled. A poster that does not fit at the floor fails with a ContentError naming the page, the
size and how much to cut. The search is deterministic, so the same content gives the same bytes.

WeasyPrint is imported only when rendering, so the site hook (which imports kit) stays light.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import math
import os
import re
import shutil
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import weasy
from .dates import long_date
from .errors import ContentError, Problem
from .model.data import maximum_cells
from .model.topics import BANDS, TOPIC_PARTS

if TYPE_CHECKING:
    from .model import Lists, Project, Topic

CACHE_VERSION = "1"
MAX_BYTES = 200 * 1024
THUMB_WIDTH = 320  # pixels: shown at 160 CSS px on the Posters page, sharp on high-density screens
FILL_TARGET = 0.96  # stop searching once the content fills this share of the page height
SPREAD_BELOW = 0.98  # below this share, the spare height is shared out between the sections (one more layout)
REF_CHARS = 2000
GROWTH = 2.2  # near the fit, the height grows about as body size ** 2.2 (taller lines, and more of them)
PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class PaperSize:
    key: str
    label: str
    width_mm: float
    height_mm: float

    @property
    def width_pt(self) -> float:
        return self.width_mm * 72 / 25.4

    @property
    def height_pt(self) -> float:
        return self.height_mm * 72 / 25.4


SIZES = {"a4": PaperSize("a4", "A4", 210, 297), "a3": PaperSize("a3", "A3", 297, 420)}


# --------------------------------------------------------------------------- what each poster says

@dataclass
class PosterSpec:
    """One poster, independent of paper size: its layout, page and the layout's context."""
    slug: str
    layout: str  # folder under posters/
    title: str
    page: str  # the page's path under docs/, e.g. "topics/email.md"
    last_reviewed: dt.date | None
    description: str
    data: dict[str, Any]  # the layout's own context (see posters/<layout>/example.yml)

    @property
    def source_file(self) -> str:
        return f"docs/{self.page}"

    @property
    def html_path(self) -> str:
        return self.page.removesuffix(".md") + ".html"

    def words(self) -> int:
        return _count_words(self.data)

    def chars(self) -> int:
        return _count_chars(self.data)


NOT_TEXT = ("key", "label", "number", "address", "url", "added")  # labels and data, not text an editor would cut


def _count_words(value: Any) -> int:
    if isinstance(value, str):
        return len(re.findall(r"\w+", value))
    if isinstance(value, dict):
        return sum(_count_words(v) for k, v in value.items() if k not in NOT_TEXT)
    if isinstance(value, (list, tuple)):
        return sum(_count_words(v) for v in value)
    return 0


def _count_chars(value: Any) -> int:
    """Characters of text, counting each point of a list as 40 more (it starts a new line)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_count_chars(v) for k, v in value.items() if k not in NOT_TEXT)
    if isinstance(value, (list, tuple)):
        return sum(_count_chars(v) + 40 for v in value)
    return 0


@dataclass
class Block:
    """A piece of a rendered page: heading, paragraph, list, admonition (note box) or table."""
    kind: str
    text: str = ""
    title: str = ""
    items: list[str] = field(default_factory=list)
    section: str = ""  # the level-2 heading it sits under ("" before the first)


SNIPPET = re.compile(r'^--8<--\s+"([^"]+)"\s*$')
ADMONITION = re.compile(r'^!!!\s+(\w+)(?:\s+"([^"]*)")?\s*$')
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")


def page_blocks(markdown: str, includes: Path) -> list[Block]:
    """Split rendered page Markdown into blocks, following `--8<--` snippets from docs/includes."""
    blocks: list[Block] = []
    section = ""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("[") and "]: http" in stripped:
            i += 1
            continue
        if m := re.match(r"^(#{1,6})\s+(.+?)\s*#*$", stripped):
            if len(m.group(1)) == 2:
                section = m.group(2)
            blocks.append(Block("heading", text=m.group(2), section=section))
            i += 1
            continue
        if m := SNIPPET.match(stripped):
            for b in page_blocks((includes / m.group(1)).read_text(encoding="utf-8"), includes):
                b.section = section
                blocks.append(b)
            i += 1
            continue
        if m := ADMONITION.match(stripped):
            body: list[str] = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(("    ", "\t"))):
                body.append(lines[i].strip())
                i += 1
            blocks.append(Block("admonition", text=" ".join(x for x in body if x), title=m.group(2) or "",
                                items=[m.group(1)], section=section))
            continue
        chunk: list[str] = []
        while i < len(lines) and lines[i].strip():
            chunk.append(lines[i])
            i += 1
        first = chunk[0].strip()
        if first.startswith("<"):
            # an HTML block, with any Markdown inside it (md_in_html) up to its closing tag: not for posters
            tag = re.match(r"<(\w+)", first)
            depth = 0
            if tag:
                name = tag.group(1)
                depth = sum(len(re.findall(rf"<{name}\b", c)) - len(re.findall(rf"</{name}>", c)) for c in chunk)
                while depth > 0 and i < len(lines):
                    depth += len(re.findall(rf"<{name}\b", lines[i])) - len(re.findall(rf"</{name}>", lines[i]))
                    chunk.append(lines[i])
                    i += 1
            blocks.append(Block("html", text="\n".join(chunk), section=section))
        elif first.startswith("|"):
            blocks.append(Block("table", text="\n".join(chunk), section=section))
        elif LIST_ITEM.match(first):
            items: list[str] = []
            for c in chunk:
                if mm := LIST_ITEM.match(c.strip()):
                    items.append(mm.group(1).strip())
                elif items:
                    items[-1] += " " + c.strip()
            blocks.append(Block("list", items=items, section=section))
        else:
            blocks.append(Block("paragraph", text=" ".join(c.strip() for c in chunk), section=section))
    return blocks


REF_ID = re.compile(r"\]\[([^\]]+)\]")


def _ref_ids(text: str) -> list[str]:
    return REF_ID.findall(text)


def short_address(url: str) -> str:
    """A web address as people type it: no scheme, no trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


def footer_line(project: Project) -> str:
    """The recommendation line every poster carries: the paragraph of docs/posters.md marked
    `{: .sg-poster-footer }`, so the wording lives in the content, once."""
    text = project.rendered.get("posters.md", "")
    m = re.search(r"(?:^|\n\n)((?:[^\n]+\n)+?)\{:\s*\.sg-poster-footer\s*\}", text)
    if not m:
        raise ContentError([Problem("docs/posters.md", "", "the paragraph marked '{: .sg-poster-footer }' "
                                    "(the line printed at the foot of every poster) is missing: put that mark "
                                    "on the line after the paragraph")])
    return " ".join(m.group(1).split())


def _topic_spec(project: Project, topic: Topic) -> PosterSpec:

    labels = {key: heading[:1].upper() + heading[1:] for heading, key in TOPIC_PARTS.items()}
    bands = [{"key": key, "label": label, "items": list(getattr(topic, key))}
             for key, label in BANDS if getattr(topic, key)]
    parts = [{"key": key, "label": labels[key], "items": list(getattr(topic, key))}
             for key in ("consequences", "in_place") if getattr(topic, key)]
    # the page's introduction (the source's own for Social networking and Live streaming) and its update notes
    intro_blocks = page_blocks(topic.intro, project.root / "docs" / "includes")
    intro = [b.text for b in intro_blocks if b.kind == "paragraph"]
    updates = [{"title": b.title, "text": b.text} for b in intro_blocks if b.kind == "admonition" and b.items[0] == "note"]
    data = {"headline": topic.headline, "qualifier": topic.qualifier, "second_headline": topic.second_headline,
            "intro": intro, "updates": updates, "bands": bands, "parts": parts}
    return PosterSpec(topic.slug, "topic", topic.title, topic.path, topic.last_reviewed, topic.description, data)


def _lists_spec(project: Project, slug: str, lists: Lists, sections: list[tuple[str, str]],
                lead: tuple[str, str] | None = None) -> PosterSpec:
    """A poster of a page made of fixed headings: an optional lead (a sentence and a list, shown as
    the poster's rule) and sections shown as bands. `sections` maps heading -> band colour key."""
    data: dict[str, Any] = {"lead": None, "sections": []}
    if lead:
        sentence, lead_list = lead
        data["lead"] = {"text": lists.parts[sentence][0], "label": lead_list, "items": list(lists.parts[lead_list])}
    for heading, key in sections:
        data["sections"].append({"key": key, "label": heading, "items": list(lists.parts[heading])})
    page = project.pages[lists.path]
    return PosterSpec(slug, "lists", lists.title, lists.path, lists.last_reviewed,
                      str(page.meta.get("description", "")), data)


def _reporting_spec(project: Project) -> PosterSpec:
    path = "reporting-concerns.md"
    page = project.pages[path]
    blocks = page_blocks(project.rendered[path], project.root / "docs" / "includes")
    danger = next((b for b in blocks if b.kind == "admonition" and b.items[0] == "danger"), None)
    if danger is None:
        raise ContentError([Problem(page.file, "", "the poster needs the 'If a child is in immediate danger' box: "
                                    'keep the line --8<-- "immediate-danger.md" on this page')])
    number = re.search(r"\b\d{3}\b", danger.text)
    headings = [b.text for b in blocks if b.kind == "heading"]
    # the section holding the list of contacts ({{ board_contacts }}) is shown from extra.board directly
    contacts_section, heading = "", ""
    for line in page.body.splitlines():
        if m := re.match(r"^##\s+(.+?)\s*$", line):
            heading = m.group(1)
        elif "board_contacts" in line and not contacts_section:
            contacts_section = heading
    intro: list[str] = []
    routes: list[dict[str, str]] = []
    for b in blocks:
        if b.kind != "paragraph" or not b.section or b.section == contacts_section:
            continue
        ids = [i for i in _ref_ids(b.text) if i in project.links]
        if ids:
            link = project.links[ids[0]]
            routes.append({"title": link.title, "text": b.text, "address": short_address(link.url), "url": link.url})
        else:
            intro.append(b.text)
    contacts = [{"label": c.label, "phone": c.phone or "", "email": c.email or "",
                 "address": short_address(c.url) if c.url else "", "url": c.url or "", "note": c.note or ""}
                for c in project.board.contacts]
    data = {"danger": {"title": danger.title, "text": danger.text, "number": number.group(0) if number else ""},
            "heading": next((h for h in headings if h != contacts_section), ""), "intro": intro, "routes": routes,
            "contacts_heading": contacts_section, "contacts": contacts}
    return PosterSpec("reporting-concerns", "reporting", str(page.meta.get("title", "")), path, page.last_reviewed,
                      str(page.meta.get("description", "")), data)


ADDED_OFFENCES_SLUG = "legal-consequences-added"


def _offences_spec(project: Project, source: str = "original") -> PosterSpec:
    """A legal poster: the offences of one `source` (docs/data/offences.yml). "original" (the 2012
    guidance's offences) takes the page's first section; "added" takes the section holding
    {{ added_offences_table }}, so the two tables stay apart on paper as on the page."""

    path = "legal-consequences.md"
    page = project.pages[path]
    blocks = page_blocks(project.rendered[path], project.root / "docs" / "includes")
    sections = [b.text for b in blocks if b.kind == "heading" and b.section == b.text]
    heading = ""
    for line in page.body.splitlines():  # the section whose text asks for this source's table
        if m := re.match(r"^##\s+(.+?)\s*$", line):
            heading = m.group(1)
        elif ("added_offences_table" if source == "added" else "{{ offences_table") in line:
            break
    heading = heading or (sections[0] if sections else "")
    intro = [b.text for b in blocks if b.kind == "paragraph" and not b.section] if source == "original" else []
    table_at = next((i for i, b in enumerate(blocks) if b.kind == "table" and b.section == heading), len(blocks))
    notes = [b.text for b in blocks[table_at:] if b.kind == "paragraph" and b.section == heading]
    updates = [{"title": b.title, "text": b.text} for b in blocks
               if b.kind == "admonition" and b.items[0] == "note" and b.section == heading]
    warnings = [{"title": b.title, "text": b.text} for b in blocks if b.kind == "admonition" and b.items[0] == "warning"]
    rows = []
    for o in project.offences.rows:
        if o.source != source:
            continue
        summary, indictment = maximum_cells(o)
        if o.mode == "summary only":
            indictment = "Summary only"
        law = f"{o.statute}, {o.section}" + (f" · in force: {o.in_force}" if o.in_force and source == "added" else "")
        rows.append({"offence": o.offence, "law": law, "summary": summary, "indictment": indictment,
                     "added": o.source == "added"})
    data = {"intro": intro, "heading": heading, "rows": rows, "notes": notes, "updates": updates, "warnings": warnings}
    title = str(page.meta.get("title", "")) if source == "original" else heading
    slug = "legal-consequences" if source == "original" else ADDED_OFFENCES_SLUG
    return PosterSpec(slug, "offences", title, path, page.last_reviewed, str(page.meta.get("description", "")), data)


def poster_specs(project: Project) -> list[PosterSpec]:
    """Every poster, in the order of the Posters page: the topics (navigation order), then the summaries."""
    specs = [_topic_spec(project, t) for t in project.topics]
    if project.summary:
        specs.append(_lists_spec(project, "good-practice-summary", project.summary,
                                 [("Appropriate", "best"), ("Inappropriate", "poor")]))
    if project.guidelines:
        specs.append(_lists_spec(project, "general-guidelines", project.guidelines,
                                 [("Inappropriate", "poor"), ("Appropriate", "best")], lead=("Remember", "Do not")))
    if "reporting-concerns.md" in project.pages:
        specs.append(_reporting_spec(project))
    if "legal-consequences.md" in project.pages:
        specs.append(_offences_spec(project, "original"))
        if any(o.source == "added" for o in project.offences.rows):
            specs.append(_offences_spec(project, "added"))
    return specs


# --------------------------------------------------------------------------- HTML

def inline(text: str, links: dict[str, str] | None = None) -> Any:
    """Markdown inline text as safe HTML: bold and italics kept; a link to an address of
    docs/data/links.yml (`links`: id -> address) stays a link, other links keep their text only."""
    from markupsafe import Markup

    def link(m: re.Match[str]) -> str:
        url = (links or {}).get(m.group(2))
        return f'<a href="{html_lib.escape(url)}">{m.group(1)}</a>' if url else m.group(1)

    out = html_lib.escape(str(text), quote=False)
    out = re.sub(r"\[([^\]]+)\]\[([^\]]*)\]", link, out)
    out = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", out)
    out = re.sub(r"`([^`]+)`", r"\1", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    return Markup(out)


def balance(items: list[str], line: int = 46) -> int:
    """Where to split a list into two columns of about the same height (at least one point each).
    A point's height is estimated in lines of about `line` characters (a column at the usual fitted
    size), half a line for its ragged end, and the space after it."""
    heights = [len(i) / line + 0.5 + 0.3 for i in items]
    total = sum(heights)
    return min(range(1, len(items)), key=lambda k: (abs(total - 2 * sum(heights[:k])), k))


def _jinja(poster_dir: Path, links: dict[str, str] | None = None):  # noqa: ANN202 - a jinja2.Environment
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(poster_dir)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["inline"] = lambda text: inline(text, links)
    env.filters["balance"] = balance
    return env


def qr_svg(url: str, alt: str) -> Any:
    """The QR code as inline SVG; its <title> becomes the figure's alternative text in the PDF."""
    import segno
    from markupsafe import Markup

    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, title=alt,
                                                 dark="#000000", light="#ffffff", svgclass="foot__qr")
    return Markup(svg)


def document_date(d: dt.date | None) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the review date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).isoformat(timespec="seconds")
    return f"{(d or dt.date(2000, 1, 1)).isoformat()}T00:00:00+00:00"


def poster_html(project: Project, spec: PosterSpec, size: str, data: dict[str, Any] | None = None,
                footer: str | None = None) -> str:
    """The poster's HTML for one paper size, with a `/*FIT*/` marker where the fit's CSS goes."""

    paper = SIZES[size]
    board = project.board
    url = board.page_url(spec.html_path)
    poster_dir = project.root / "posters"
    env = _jinja(poster_dir, {key: link.url for key, link in project.links.items()})
    context = {
        "board": board,
        "site_name": project.config.site_name,
        "title": spec.title,
        "doc_title": f"{spec.title}: {project.config.site_name} ({paper.label} poster)",
        "description": spec.description,
        "date": document_date(spec.last_reviewed),
        "reviewed": f"Last reviewed {long_date(spec.last_reviewed)}" if spec.last_reviewed else "",
        "footer_line": footer if footer is not None else footer_line(project),
        "example_identity": project.config.example_identity,
        "qr_svg": qr_svg(url, f"QR code: opens {short_address(url)}, the {spec.title} page of the guidance"),
        "short_url": short_address(url),
        "page_url": url,
        "logo_url": (project.root / "docs" / board.logo).as_uri(),
        "layout": spec.layout,
        "size": size,
        spec.layout: data if data is not None else spec.data,
    }
    return env.get_template(f"{spec.layout}/template.html").render(**context)


# --------------------------------------------------------------------------- fitting and rendering

def size_range(poster_dir: Path, size: str) -> tuple[float, float, float]:
    """(start, floor, max) body text sizes in pt, read from the size sheet (posters/a4.css)."""
    css = (poster_dir / f"{size}.css").read_text(encoding="utf-8")

    def pt(name: str) -> float:
        m = re.search(rf"--{name}:\s*([\d.]+)pt\s*;", css)
        if not m:
            raise ValueError(f"posters/{size}.css must set --{name} in pt")
        return float(m.group(1))

    return pt("body"), pt("body-floor"), pt("body-max")


@dataclass(frozen=True)
class Job:
    """Everything a worker process needs to render one poster at one size (picklable)."""
    slug: str
    size: str
    title: str
    source_file: str
    html: str
    base_url: str
    start_pt: float
    floor_pt: float
    max_pt: float
    words: int
    chars: int
    key: str
    cache_dir: str
    thumbnail: bool
    roots: tuple[str, ...]  # the only folders the render may read files from


@dataclass
class PosterResult:
    slug: str
    size: str
    title: str
    pdf: Path
    png: Path | None
    bytes: int
    png_bytes: int
    body_pt: float  # the fitted body text size
    fill: float  # share of the page height the content needs at that size (before spacing is added)
    layouts: int  # WeasyPrint layouts done (0 when cached)
    seconds: float  # time to produce it (0 when cached)
    cached: bool
    warnings: list[str] = field(default_factory=list)


class _Overflow(Exception):
    def __init__(self, overflow_share: float, fixed_share: float):
        self.overflow_share = overflow_share  # how much of the page's height is too much, at the floor
        self.fixed_share = fixed_share  # masthead + footer, which do not shrink with the text


def _find(box: Any, element_id: str) -> Any:
    stack = [box]
    while stack:
        b = stack.pop()
        el = getattr(b, "element", None)
        if el is not None and el.get("id") == element_id and getattr(b, "element_tag", None) is not None:
            return b
        stack.extend(getattr(b, "children", []) or [])
    return None


def _fit_css(body_pt: float, slack_px: float = 0.0) -> str:
    return f":root {{ --body: {body_pt:.2f}pt; --slack: {slack_px:.3f}px; }}"


RENDER_OPTIONS = {"pdf_variant": "pdf/ua-1"}
_FONTS: Any = None  # one FontConfiguration per process: the web fonts are decoded once, not per layout


def _font_config() -> Any:
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def _worker_init() -> None:
    """In a forked worker: forget (without deleting) the parent's font folder, and make our own."""
    global _FONTS
    if _FONTS is not None:
        _FONTS._folder = None  # its __del__ would otherwise remove the parent's decoded fonts
        _FONTS = None


@dataclass
class _Layout:
    doc: Any
    needed_px: float  # height the poster needs: masthead + main + footer (more than the page when it overflows)
    gaps: int  # spaces that share any spare height (between and around main's sections)
    fixed_px: float  # masthead + footer

    def fits(self, page_px: float) -> bool:
        return len(self.doc.pages) == 1 and self.needed_px <= page_px


def _layout(job: Job, body_pt: float, slack_px: float = 0.0) -> _Layout:
    """Lay the poster out on its real page. The footer is absolutely placed at the foot of the page, so
    the content that does not fit either runs under it or onto a second page: both are measured."""
    from weasyprint import HTML

    page_px = SIZES[job.size].height_mm * PX_PER_MM
    html = job.html.replace("/*FIT*/", _fit_css(body_pt, slack_px))
    doc = HTML(string=html, base_url=job.base_url, url_fetcher=weasy.local_fetcher(map(Path, job.roots))).render(
        font_config=_font_config(), **RENDER_OPTIONS)
    boxes = [p._page_box for p in doc.pages]
    masthead = _find(boxes[0], "masthead")
    foot = next(f for f in (_find(b, "foot") for b in boxes) if f is not None)
    mains = [(i, m) for i, m in ((i, _find(b, "main")) for i, b in enumerate(boxes)) if m is not None]
    last_page, main_last = mains[-1]
    bottom = main_last.position_y + main_last.margin_height()
    needed = last_page * page_px + bottom + foot.margin_height()
    gaps = len([c for c in mains[0][1].children if getattr(c, "element_tag", None)]) + 1
    return _Layout(doc, needed, gaps, masthead.margin_height() + foot.margin_height())


def _fit_and_render(job: Job) -> tuple[bytes, float, float, int]:
    """Find the largest body size (in 0.05 pt steps, up to the size sheet's maximum) at which the
    poster fits on its page, share the spare height between the sections, and write the PDF.
    Returns (pdf bytes, body pt, fill, number of layouts)."""
    page_px = SIZES[job.size].height_mm * PX_PER_MM
    tried: dict[float, _Layout] = {}

    def q(pt: float) -> float:
        return round(min(max(pt, job.floor_pt), job.max_pt) * 20) / 20

    target = page_px * (FILL_TARGET + 1) / 2
    # first guess: the size sheet's --body suits a poster of REF_CHARS characters; measured on these
    # layouts, the size that fits goes as characters ** -0.38
    pt = q(job.start_pt * (REF_CHARS / max(job.chars, 1)) ** 0.38)
    for _ in range(8):
        tried[pt] = _layout(job, pt)
        fits = [p for p, lay in tried.items() if lay.fits(page_px)]
        over = [p for p, lay in tried.items() if not lay.fits(page_px)]
        lo, hi = (max(fits) if fits else None), (min(over) if over else None)
        if lo is not None and (tried[lo].needed_px >= page_px * FILL_TARGET or lo >= job.max_pt):
            break
        if hi is not None and hi <= job.floor_pt:
            break
        if lo is not None and hi is not None:
            # interpolate in log-log space inside the bracket
            h_lo, h_hi = tried[lo].needed_px, tried[hi].needed_px
            k = max(0.5, math.log(h_hi / h_lo) / math.log(hi / lo)) if h_hi > h_lo else GROWTH
            nxt = q(lo * (target / h_lo) ** (1 / k))
            if not lo < nxt < hi:
                nxt = q((lo + hi) / 2)
            if not lo < nxt < hi:
                break
        else:
            # all on one side so far: step by the growth rate seen between the last two tries, if any
            k = GROWTH
            if len(tried) > 1:
                (p1, l1), (p2, l2) = list(tried.items())[-2:]
                if p1 != p2 and l1.needed_px != l2.needed_px:
                    k = min(3.0, max(1.5, math.log(l2.needed_px / l1.needed_px) / math.log(p2 / p1)))
            nxt = q(pt * (target / tried[pt].needed_px) ** (1 / k))
        if nxt in tried:
            break
        pt = nxt
    fits = [p for p, lay in tried.items() if lay.fits(page_px)]
    if not fits:
        if job.floor_pt not in tried:
            tried[job.floor_pt] = _layout(job, job.floor_pt)
        lay = tried[job.floor_pt]
        if not lay.fits(page_px):
            raise _Overflow((lay.needed_px - page_px) / page_px, lay.fixed_px / page_px)
        fits = [job.floor_pt]
    best = max(fits)
    lay = tried[best]
    fill = lay.needed_px / page_px
    spare = page_px - lay.needed_px
    if fill < SPREAD_BELOW:  # share the spare height between the sections, so the page is filled evenly
        spread = _layout(job, best, (spare - 1) / lay.gaps)
        if spread.fits(page_px):
            lay = spread
    return lay.doc.write_pdf(**RENDER_OPTIONS), best, fill, len(tried) + (lay is not tried[best])


def thumbnail_png(pdf: bytes, width: int = THUMB_WIDTH) -> bytes:
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        from PIL import Image

        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
        # 128 colours are plenty for a thumbnail of flat colours and text, at a quarter of the size
        image = image.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        doc.close()


def _run_job(job: Job) -> dict[str, Any]:
    """Worker: render one poster into the cache (atomically). Returns a plain dict."""
    import logging

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    logger.propagate = False
    start = time.perf_counter()
    try:
        pdf, body_pt, fill, layouts = _fit_and_render(job)
    except _Overflow as e:
        return {"overflow": e.overflow_share, "fixed": e.fixed_share}
    except BaseException as e:  # WeasyPrint's fatal fetch errors are BaseExceptions
        if (url := weasy.refused_url(e)) is None:
            raise
        return {"refused": weasy.REFUSED.format(url=url)}
    finally:
        logger.removeHandler(handler)
    cache = Path(job.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    _atomic_write(cache / f"{job.key}.pdf", pdf)
    if job.thumbnail:
        _atomic_write(cache / f"{job.key}.png", thumbnail_png(pdf))
    info = {"body_pt": body_pt, "fill": fill, "layouts": layouts, "warnings": records}
    info["seconds"] = time.perf_counter() - start
    _atomic_write(cache / f"{job.key}.json", json.dumps({k: info[k] for k in ("body_pt", "fill", "warnings")}).encode())
    return info


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _tree_digest(paths: Iterable[Path], root: Path) -> str:
    """Hash of the files' names (relative, so a moved checkout keeps its cache) and contents."""
    h = hashlib.sha256()
    root = root.resolve()
    for p in sorted(paths):
        path = p.resolve()
        # The renderer's own code may live outside a copied project (tests build copies): its name will do.
        h.update((path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _inputs_digest(project: Project) -> str:
    """Everything a poster depends on besides its HTML: CSS, icons, fonts, logo, this code, the libraries."""
    from importlib.metadata import version

    root = project.root
    files = [p for p in (root / "posters").rglob("*") if p.is_file() and p.suffix in (".css", ".svg", ".png", ".html")]
    files += sorted((root / "docs" / "assets" / "fonts").glob("*.woff2")) + [root / "docs" / "assets" / "fonts" / "fonts.css"]
    files += [root / "docs" / project.board.logo, Path(__file__)]
    libs = ",".join(f"{n}={version(n)}" for n in ("weasyprint", "pydyf", "pypdfium2", "segno", "pillow"))
    renderer = weasy.renderer_identity()
    return hashlib.sha256(f"{CACHE_VERSION}|{libs}|{renderer}|{_tree_digest(files, root)}".encode()).hexdigest()


def default_cache_dir(project: Project) -> Path:
    return project.root / ".cache" / "posters"


def make_jobs(project: Project, specs: list[PosterSpec], sizes: Iterable[str], cache_dir: Path) -> list[Job]:
    poster_dir = project.root / "posters"
    inputs = _inputs_digest(project)
    footer = footer_line(project)
    jobs = []
    for spec in specs:
        for size in sizes:
            html = poster_html(project, spec, size, footer=footer)
            start, floor, top = size_range(poster_dir, size)
            thumb = size == "a4"
            key = hashlib.sha256(f"{inputs}|{size}|{thumb}|{html}".encode()).hexdigest()[:32]
            jobs.append(Job(spec.slug, size, spec.title, spec.source_file, html, poster_dir.as_uri() + "/",
                            start, floor, top, spec.words(), spec.chars(), key, str(cache_dir), thumb,
                            (str(project.root),)))
    return jobs


def _overflow_problem(job: Job, overflow: float, fixed: float) -> Problem:
    label = SIZES[job.size].label
    text_share = max(1e-6, 1 - fixed + overflow)  # the text's share of the page at the floor
    cut = overflow / text_share
    words = max(5, -(-round(job.words * cut) // 5) * 5)
    return Problem(job.source_file, f"{label} poster",
                   f"the '{job.title}' poster does not fit on one {label} page even with the body text at its "
                   f"smallest size ({job.floor_pt:g} pt): the text is about {cut:.0%} too long for {label}. "
                   f"Cut about {words} words (of {job.words}) from this page's poster text and build again.")


def render_all(project: Project, out_dir: Path, only: Iterable[str] | None = None,
               sizes: Iterable[str] = ("a4", "a3"), workers: int | None = None,
               cache_dir: Path | None = None, use_cache: bool = True) -> list[PosterResult]:
    """Render every poster (or those whose slug is in `only`) at each size into `out_dir`:
    <slug>-a4.pdf, <slug>-a3.pdf and <slug>.png (from the A4). Unchanged posters come from the
    cache (keyed by a hash of everything they depend on); the rest render in parallel.
    Raises ContentError listing every poster that does not fit."""
    specs = poster_specs(project)
    known = [s.slug for s in specs]
    if only is not None:
        only = list(only)
        unknown = [s for s in only if s not in known]
        if unknown:
            raise ValueError(f"no poster called {', '.join(unknown)}; the posters are: {', '.join(known)}")
        specs = [s for s in specs if s.slug in only]
    sizes = list(sizes)
    for s in sizes:
        if s not in SIZES:
            raise ValueError(f"unknown paper size {s!r}; use one of: {', '.join(SIZES)}")
    cache = Path(cache_dir) if cache_dir else default_cache_dir(project)
    cache.mkdir(parents=True, exist_ok=True)
    jobs = make_jobs(project, specs, sizes, cache)
    todo = [j for j in jobs if not (use_cache and (cache / f"{j.key}.pdf").is_file() and (cache / f"{j.key}.json").is_file()
                                    and (not j.thumbnail or (cache / f"{j.key}.png").is_file()))]
    infos: dict[str, dict[str, Any]] = {}
    if todo:
        import weasyprint  # noqa: F401 - imported once here so forked workers inherit it

        n = min(workers or os.cpu_count() or 1, len(todo))
        if n <= 1:
            for j in todo:
                infos[j.key] = _run_job(j)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # the slowest posters first, so the pool does not end waiting on one
            order = sorted(todo, key=lambda j: -len(j.html) * (2 if j.size == "a3" else 1))
            with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_worker_init) as pool:
                for j, info in zip(order, pool.map(_run_job, order)):
                    infos[j.key] = info
    problems = [_overflow_problem(j, i["overflow"], i["fixed"]) for j in jobs if "overflow" in (i := infos.get(j.key, {}))]
    problems += [Problem(j.source_file, f"{SIZES[j.size].label} poster", i["refused"])
                 for j in jobs if "refused" in (i := infos.get(j.key, {}))]
    if problems:
        raise ContentError(problems)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for j in jobs:
        info = infos.get(j.key)
        meta = json.loads((cache / f"{j.key}.json").read_text())
        pdf = out_dir / f"{j.slug}-{j.size}.pdf"
        shutil.copyfile(cache / f"{j.key}.pdf", pdf)
        png = None
        if j.thumbnail:
            png = out_dir / f"{j.slug}.png"
            shutil.copyfile(cache / f"{j.key}.png", png)
        results.append(PosterResult(
            j.slug, j.size, j.title, pdf, png, pdf.stat().st_size, png.stat().st_size if png else 0,
            meta["body_pt"], meta["fill"], info["layouts"] if info else 0, info["seconds"] if info else 0.0,
            cached=info is None, warnings=list(meta["warnings"])))
    if only is None and set(sizes) == set(SIZES):
        _prune(cache, {j.key for j in jobs})
    write_manifest(project, results)
    return results


def _prune(cache: Path, keep: set[str], older_than_s: float = 86400) -> None:
    """Drop cached posters no build has used for a day (not at once: a concurrent build, such as a test
    run, may be using other entries right now)."""
    now = time.time()
    for p in cache.iterdir():
        if (p.is_file() and p.suffix in (".pdf", ".png", ".json", ".tmp") and p.stem not in keep and p.name != MANIFEST
                and now - p.stat().st_mtime > older_than_s):
            p.unlink(missing_ok=True)


LAYOUTS = ("topic", "lists", "reporting", "offences")


def example_spec(project: Project, layout: str) -> PosterSpec:
    """A poster of `layout` filled with its example context (posters/<layout>/example.yml)."""
    import yaml

    data = yaml.safe_load((project.root / "posters" / layout / "example.yml").read_text(encoding="utf-8"))
    return PosterSpec(f"example-{layout}", layout, data["title"], data["page"], data["last_reviewed"],
                      data["description"], data["data"])


def render_example(project: Project, layout: str, size: str, out_dir: Path) -> Path:
    """Render a layout's example at one size (no cache): for working on a layout's template and CSS."""
    spec = example_spec(project, layout)
    job = make_jobs(project, [spec], [size], Path(out_dir))[0]
    try:
        pdf, _pt, _fill, _n = _fit_and_render(job)
    except _Overflow as e:
        raise ContentError([_overflow_problem(job, e.overflow_share, e.fixed_share)]) from None
    out = Path(out_dir) / f"{spec.slug}-{size}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out


# --------------------------------------------------------------------------- zip, manifest, gallery

MANIFEST = "manifest.json"
ZIP_NAME = "posters.zip"


def zip_date_time(project: Project) -> tuple[int, int, int, int, int, int]:
    """The time stamp of every zip entry: SOURCE_DATE_EPOCH when set, else the latest review date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        t = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)
    dates = [s.last_reviewed for s in poster_specs(project) if s.last_reviewed]
    d = max(dates) if dates else dt.date(1980, 1, 1)
    return (d.year, d.month, d.day, 0, 0, 0)


def write_zip(poster_dir: Path, zip_path: Path, date_time: tuple[int, int, int, int, int, int]) -> Path:
    """A reproducible zip of every poster PDF in `poster_dir`: sorted names, fixed time stamps and modes."""
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for pdf in sorted(poster_dir.glob("*.pdf")):
            info = zipfile.ZipInfo(f"posters/{pdf.name}", date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, pdf.read_bytes(), compresslevel=9)
    tmp.replace(zip_path)
    return zip_path


def write_manifest(project: Project, results: list[PosterResult], zip_bytes: int | None = None) -> None:
    """Record titles and file sizes for the Posters page (read by `gallery_markdown` in the site build)."""
    path = default_cache_dir(project) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        manifest = {}
    posters = {p["slug"]: p for p in manifest.get("posters", []) if isinstance(p, dict) and "slug" in p}
    for r in results:
        entry = posters.setdefault(r.slug, {"slug": r.slug})
        entry["title"] = r.title
        entry[r.size] = r.bytes
        if r.png:
            entry["png"] = r.png_bytes
    order = [s.slug for s in poster_specs(project)]
    manifest["posters"] = [posters[s] for s in order if s in posters]  # in the order of the Posters page
    if zip_bytes is not None:
        manifest["zip"] = zip_bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())


def human_size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def gallery_markdown(root: Path) -> str:
    """The Posters page's gallery (raw HTML, so MkDocs leaves the download links alone): a table with a
    thumbnail, the title, and the A4 and A3 links with their sizes, then the zip. It reads the manifest the
    poster build writes; before the first build it says so."""
    try:
        manifest = json.loads((Path(root) / ".cache" / "posters" / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return '<p class="sg-posters-missing">The posters have not been built yet: run <code>make build</code>.</p>'
    esc = html_lib.escape
    rows = []
    for p in manifest.get("posters", []):
        slug = p["slug"]
        title = esc(p.get("title", slug))
        links = []
        for size in SIZES:
            if size in p:
                label = SIZES[size].label
                size_text = human_size(p[size])
                links.append(f'<td><a href="downloads/posters/{slug}-{size}.pdf" aria-label="{title}: {label} PDF, '
                             f'{size_text}">{label} PDF</a> ({size_text.replace(" ", "&nbsp;")})</td>')
            else:
                links.append("<td></td>")
        thumb = (f'<img src="downloads/posters/{slug}.png" alt="" width="160" height="226" loading="lazy">'
                 if "png" in p else "")
        rows.append(f'<tr><td>{thumb}</td><th scope="row">{title}</th>{"".join(links)}</tr>')
    out = ['<table>', '<thead><tr><th scope="col">Preview</th>'
           '<th scope="col">Poster</th><th scope="col">A4</th><th scope="col">A3</th></tr></thead>',
           "<tbody>", *rows, "</tbody>", "</table>", ""]
    if "zip" in manifest:
        out.append(f'<p><a href="downloads/posters.zip">All posters, A4 and A3, as one zip file</a> '
                   f'({human_size(manifest["zip"])})</p>')
    return "\n".join(out)


def build_posters(project: Project, staging: Path) -> list[PosterResult]:
    """The build step before the site: every poster into `staging/posters/`, the zip beside it, and
    the manifest the Posters page reads."""
    out = Path(staging) / "posters"
    results = render_all(project, out)
    z = write_zip(out, Path(staging) / ZIP_NAME, zip_date_time(project))
    write_manifest(project, [], zip_bytes=z.stat().st_size)
    return results


def publish(staging: Path, downloads: Path) -> None:
    """The build step after the site: copy the posters and the zip into the site's downloads/."""
    downloads.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(staging) / "posters", downloads / "posters", dirs_exist_ok=True)
    shutil.copyfile(Path(staging) / ZIP_NAME, downloads / ZIP_NAME)


def result_rows(results: list[PosterResult]) -> list[dict[str, Any]]:
    return [{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(r).items()} for r in results]
