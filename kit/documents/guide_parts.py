"""The finished guide (guide.py) cut into parts that render on their own: the cover with the contents,
then one part per chapter (each top-level article of the book, which starts a page). Each part is a
whole document with the guide's head.

What a single render would work out across the whole book is written into each part instead:
- a link to an anchor in another part becomes a GOTO address, made an internal link again when the
  parts are joined (kit/documents/pdf_join.py);
- the page numbers: the part's first page number and the guide's page count replace `counter(page)`'s
  start and `counter(pages)` in the print styles' page boxes, and the contents' page numbers
  (`target-counter(…, page)`) are written into the contents as `data-sg-page`.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

GOTO = "sg-goto:"  # not http(s): site.css prints the address after http links
CONTENTS = "contents"  # the name of the first part (cover and contents)
PAGE_ATTR = "data-sg-page"
INNER_RULE = re.compile(r"([^{};]+)\{([^{}]*)\}")
CONTENT_DECL = re.compile(r"(?<![-\w])content\s*:\s*([^;]+)")
TOTAL = re.compile(r"counter\(\s*pages\s*\)")
TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*\)")


@dataclass
class Part:
    name: str  # CONTENTS, or the id of the chapter's article
    html: str  # without its page numbers: see Book.positioned
    ids: list[str] = field(default_factory=list)  # the anchors in it, in document order


@dataclass
class Book:
    parts: list[Part]
    overrides: list[str]  # CSS rules that replace the page-number rules (with {total} to fill in)

    def part_of(self) -> dict[str, int]:
        return {anchor: i for i, part in enumerate(self.parts) for anchor in part.ids}

    def with_numbers(self, numbers: dict[str, int]) -> Part:
        """The contents part with each entry's page number (from `numbers`, by the link's anchor)."""
        first = self.parts[0]
        soup = BeautifulSoup(first.html, "html.parser")
        for a in soup.select("#doc-toc a[href]"):
            a[PAGE_ATTR] = str(numbers[_anchor(str(a["href"]))])
        return Part(first.name, str(soup), first.ids)

    def positioned(self, part: Part, start: int, total: int) -> str:
        """The part's HTML numbered from page `start` of `total`."""
        css = [rule.replace("{total}", str(total)) for rule in self.overrides]
        if start != 1:
            css.append(f"@page :first {{ counter-reset: page {start}; }}")
        return part.html.replace("</head>", f"<style>{' '.join(css)}</style></head>", 1)


def _anchor(href: str) -> str:
    return urllib.parse.unquote(href.removeprefix(GOTO).removeprefix("#"))


def page_number_overrides(stylesheets: list[Path]) -> list[str]:
    """For each rule of the print styles whose `content` uses the page count or a link target's page:
    the same rule with the count as '{total}' and the target's page as the link's data-sg-page."""
    rules = []
    for path in stylesheets:
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        for m in INNER_RULE.finditer(css):
            content = CONTENT_DECL.search(m.group(2))
            if content is None or not (TOTAL.search(content.group(1)) or TARGET_PAGE.search(content.group(1))):
                continue
            value = TARGET_PAGE.sub(f"attr({PAGE_ATTR})", TOTAL.sub('"{total}"', content.group(1).strip()))
            selector = " ".join(m.group(1).split())
            if selector.startswith("@"):  # a page-margin box, inside the @page rule before it
                page = " ".join(re.findall(r"@page([^{]*)\{", css[:m.start()])[-1].split())
                rules.append(f"@page {page} {{ {selector} {{ content: {value}; }} }}".replace("  ", " "))
            else:
                rules.append(f"{selector} {{ content: {value}; }}")
    return rules


def split_book(html: str, stylesheets: list[Path]) -> Book:
    """The cover and contents, then each chapter (the body's later top-level elements), as parts."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.find("body")
    assert isinstance(body, Tag)
    blocks = [c for c in body.children if isinstance(c, Tag)]
    toc = next(i for i, b in enumerate(blocks) if b.get("id") == "doc-toc")
    groups = [blocks[:toc + 1], *([b] for b in blocks[toc + 1:])]
    for block in blocks:
        block.extract()
    body.clear()
    shell = str(soup)
    opening = shell.index("</body>")
    parts = []
    for i, group in enumerate(groups):
        ids = [str(el["id"]) for block in group for el in [block, *block.find_all(id=True)] if el.has_attr("id")]
        inside = set(ids)
        for block in group:
            for a in block.find_all("a", href=re.compile("^#.")):
                if (target := _anchor(str(a["href"]))) not in inside:
                    a["href"] = GOTO + urllib.parse.quote(target, safe="")
        name = CONTENTS if i == 0 else str(group[0].get("id") or f"part-{i}")
        parts.append(Part(name, shell[:opening] + "".join(str(b) for b in group) + shell[opening:], ids))
    return Book(parts, page_number_overrides(stylesheets))
