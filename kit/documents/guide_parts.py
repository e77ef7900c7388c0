"""The finished guide (guide.py) cut into parts that render on their own: the cover with the contents,
then each chapter (each top-level article of the book, which starts a page), a chapter of several
pages one part per page (each page of a chapter starts a page too). Each part is a whole document
with the guide's head.

What a single render would work out across the whole book is written in afterwards instead, so a
chapter's PDF does not depend on where it falls in the book:
- a link to an anchor in another part becomes a GOTO address, made an internal link again when the
  parts are joined (kit/documents/pdf_join.py);
- the page margin boxes that print a page number (`counter(page)`, `counter(pages)`) are hidden in
  the parts (kept, so the other boxes are as wide as in one render) and drawn instead by the numbers sheet: a blank document with the book's page count and
  page names that carries only those boxes, laid over the joined pages;
- the contents' page numbers (`target-counter(…, page)`) are written into the contents as
  `data-sg-page` (Book.with_numbers).
"""
from __future__ import annotations

import html as html_text
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

GOTO = "sg-goto:"  # not http(s): site.css prints the address after http links
CONTENTS = "contents"  # the name of the first part (cover and contents)
NUMBERS = "numbers"  # the name of the numbers sheet
PAGE_ATTR = "data-sg-page"
SECTION_ATTR = "data-sg-section"  # on a chapter's later pieces: the chapter's title
INNER_RULE = re.compile(r"([^{};]+)\{([^{}]*)\}")
CONTENT_DECL = re.compile(r"(?<![-\w])content\s*:\s*([^;]+)")
PAGE_COUNTER = re.compile(r"counters?\(\s*pages?\s*[,)]")  # counter(page), counter(pages, lower-roman), counters(…)
STRINGS = re.compile(r"\b(?:string|attr|element)\(")
IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""")
PAGE_PSEUDO = re.compile(r"@page[^{]*:")
SIDED_BREAK = re.compile(r"(?:break|page-break)-(?:before|after)\s*:\s*(?:left|right|recto|verso)")
TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*\)")
PAGE_NAME = re.compile(r"[A-Za-z_][\w-]*")


@dataclass
class Part:
    name: str  # CONTENTS, NUMBERS, or the id of its chapter's article or of its page's section
    html: str
    ids: list[str] = field(default_factory=list)  # the anchors in it, in document order
    continues: bool = False  # a later page of a chapter: its bookmarks go under the chapter's


@dataclass(frozen=True)
class PageRules:
    """CSS rules, from the print styles, that move the page numbers out of the parts."""
    parts: list[str]  # every part: the numbered margin boxes hidden, a link target's page read from data-sg-page
    sheet: list[str]  # the numbers sheet: every other margin box hidden


@dataclass
class Book:
    parts: list[Part]
    shell: tuple[str, str]  # the guide's document up to and from its empty body, with the sheet's rules

    def part_of(self) -> dict[str, int]:
        return {anchor: i for i, part in enumerate(self.parts) for anchor in part.ids}

    def with_numbers(self, numbers: dict[str, int]) -> Part:
        """The contents part with each entry's page number (from `numbers`, by the link's anchor)."""
        first = self.parts[0]
        soup = BeautifulSoup(first.html, "html.parser")
        for a in soup.select("#doc-toc a[href]"):
            a[PAGE_ATTR] = str(numbers[_anchor(str(a["href"]))])
        return Part(first.name, str(soup), first.ids)

    def numbers_sheet(self, page_names: list[str]) -> Part:
        """A blank page for each of the book's pages, under the same page name (so the same margins
        and margin boxes), numbered as one document: only the page numbers are drawn."""
        pages = "".join(f'<div style="page: {html_text.escape(_page_name(name))}; height: 1px;'
                        f'{" break-before: page;" if i else ""}"></div>' for i, name in enumerate(page_names))
        return Part(NUMBERS, self.shell[0] + pages + self.shell[1])


def _page_name(name: str) -> str:
    if name and not PAGE_NAME.fullmatch(name):
        raise ValueError(f"the print styles name a page {name!r}, which the numbers sheet cannot name")
    return name or "auto"


def _anchor(href: str) -> str:
    return urllib.parse.unquote(href.removeprefix(GOTO).removeprefix("#"))


def _with_style(html: str, rules: list[str]) -> str:
    return html.replace("</head>", f"<style>{' '.join(rules)}</style></head>", 1) if rules else html


def _sheets(stylesheets: list[Path]) -> list[tuple[Path, str]]:
    """The print styles' text without comments, each sheet after those it @imports (once each)."""
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def read(path: Path) -> None:
        path = path.resolve()
        if path in seen or not path.is_file():
            return
        seen.add(path)
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        for href in IMPORT.findall(css):
            read(path.parent / urllib.parse.unquote(urllib.parse.urlsplit(href).path))
        out.append((path, css))

    for path in stylesheets:
        read(path)
    return out


def page_rules(stylesheets: list[Path]) -> PageRules:
    """For each page margin box of the print styles that prints something: hidden in the parts when
    it prints a page number, hidden in the numbers sheet otherwise (hidden, not removed, so the
    boxes beside it share the width as they do in a single render); and each rule that prints a link
    target's page, reading the page from the link's data-sg-page instead. What the parts cannot
    know (a page number outside the margins, a box with a number and a running string, pages told
    apart as first, left, right or blank) is refused with the rule that asks it."""
    parts, sheet = [], []
    for path, css in _sheets(stylesheets):
        if (m := PAGE_PSEUDO.search(css) or SIDED_BREAK.search(css)) is not None:
            raise ValueError(f"{path.name}: '{m.group(0)}': the guide renders in parts, each starting on a first, "
                             "right-hand page, so the print styles cannot tell pages apart as first, left, right or blank")
        for m in INNER_RULE.finditer(css):
            content = CONTENT_DECL.search(m.group(2))
            if content is None:
                continue
            value = content.group(1).strip()
            selector = " ".join(m.group(1).split())
            if selector.startswith("@"):  # a page-margin box, inside the @page rule before it
                page = " ".join(re.findall(r"@page([^{]*)\{", css[:m.start()])[-1].split())
                numbered = PAGE_COUNTER.search(value) is not None
                if numbered and STRINGS.search(value):
                    raise ValueError(f"{path.name}: '{selector}' prints a page number and a running string in one box: "
                                     "give each a box of its own (the numbers are laid over the guide's parts)")
                # each side shown or hidden under the rule's own selector, so a named page's box
                # is decided as its content is, whatever the unnamed page's box does
                for rules, shown in ((parts, not numbered), (sheet, numbered)):
                    rules.append(f"@page {page} {{ {selector} {{ visibility: {'visible' if shown else 'hidden'}; }} }}"
                                 .replace("  ", " "))
            elif TARGET_PAGE.search(value):
                parts.append(f"{selector} {{ content: {TARGET_PAGE.sub(f'attr({PAGE_ATTR})', value)}; }}")
            elif PAGE_COUNTER.search(value):
                raise ValueError(f"{path.name}: '{selector}' prints a page number outside the page margins, "
                                 "which the guide's parts cannot know")
    return PageRules(parts, sheet)


def _pieces(soup: BeautifulSoup, chapter: Tag) -> list[Tag]:
    """A chapter of several pages (sections, each starting a page) as one piece per page: the first
    with the chapter's heading, each later one in a copy of the chapter's article that names the
    chapter in SECTION_ATTR (the print styles' running header reads it, as it reads the heading)."""
    heading = chapter.find("h1", recursive=False)
    children = [c for c in chapter.children if isinstance(c, Tag)]
    if ("sg-chapter" not in chapter.get_attribute_list("class") or heading is None or len(children) < 3
            or children[0] is not heading or any(c.name != "section" or not c.has_attr("data-page") for c in children[1:])):
        return [chapter]
    attrs = {k: v for k, v in chapter.attrs.items() if k != "id"}
    pieces = [chapter]
    for section in children[2:]:  # the heading and the first page stay in the chapter's own article
        piece = soup.new_tag("article", attrs={**attrs, SECTION_ATTR: " ".join(heading.get_text().split())})
        piece.append(section.extract())
        pieces.append(piece)
    return pieces


def split_book(html: str, stylesheets: list[Path]) -> Book:
    """The cover and contents, then each chapter (the body's later top-level elements), as parts."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.find("body")
    assert isinstance(body, Tag)
    blocks = [c for c in body.children if isinstance(c, Tag)]
    toc = next(i for i, b in enumerate(blocks) if b.get("id") == "doc-toc")
    for block in blocks:
        block.extract()
    groups = [blocks[:toc + 1], *([piece] for b in blocks[toc + 1:] for piece in _pieces(soup, b))]
    body.clear()
    rules = page_rules(stylesheets)
    shell = str(soup)
    opening = shell.index("</body>")
    head, tail = _with_style(shell[:opening], rules.parts), shell[opening:]
    parts = []
    for i, group in enumerate(groups):
        ids = [str(el["id"]) for block in group for el in [block, *block.find_all(id=True)] if el.has_attr("id")]
        inside = set(ids)
        for block in group:
            for a in block.find_all("a", href=re.compile("^#.")):
                if (target := _anchor(str(a["href"]))) not in inside:
                    a["href"] = GOTO + urllib.parse.quote(target, safe="")
        first = group[0].find("section", recursive=False) if not group[0].has_attr("id") else None
        name = CONTENTS if i == 0 else str(group[0].get("id") or (first and first.get("id")) or f"part-{i}")
        parts.append(Part(name, head + "".join(str(b) for b in group) + tail, ids, group[0].has_attr(SECTION_ATTR)))
    return Book(parts, (_with_style(shell[:opening], rules.sheet), tail))
