"""Checks of a page's own words that need no rendering: every [text][id] is in links.yml, no web
address is written into a page, no fill-in field is left unfilled. Code examples are not content."""
from __future__ import annotations

import re
from typing import Iterator

from ..errors import Problems
from .data import Link
from .pages import Page

PLACEHOLDER_PAGES = ("policy/",)  # only these pages may keep "(Insert …)" fill-in fields


PLACEHOLDER = re.compile(r"\((?:Insert|insert)\b[^)]*\)")


REF_LINK = re.compile(r"\]\[([^\]]+)\]")


INLINE_URL = re.compile(r"(?<![\w\"'=])(https?://[^\s)\]>\"']+)")


CODE_SPAN = re.compile(r"`[^`]*`")


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line outside fenced code, with inline code removed: examples are not content."""
    fenced = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield offset, CODE_SPAN.sub("", line)


def check_links_in_text(page: Page, links: dict[str, Link], p: Problems) -> None:
    for offset, line in prose_lines(page.body):
        for ref in REF_LINK.findall(line):
            if ref not in links and not ref.isdigit():
                p.add(page.file, f"line {page.body_line + offset}", f"the link [{ref}] is not in docs/data/links.yml: add it there or fix the id")
        for url in INLINE_URL.findall(line):
            p.add(page.file, f"line {page.body_line + offset}",
                  f"the address {url} is written into the page: add it to docs/data/links.yml and link it as [text][id]")


def check_placeholders(page: Page, p: Problems) -> None:
    if page.path.startswith(PLACEHOLDER_PAGES):
        return
    for offset, line in prose_lines(page.body):
        for m in PLACEHOLDER.findall(line):
            p.add(page.file, f"line {page.body_line + offset}", f"the fill-in field {m} has not been filled in: replace it with the real text")


def tagline(home_page: str) -> str:
    """The 2012 guidance's tagline: the home page's paragraph marked `{: .sg-tagline }` (also on the guide's cover)."""
    m = re.search(r"(?m)^([^\n]+(?:\n[^\n]+)*)\n\{:\s*\.sg-tagline\s*\}", home_page)
    return " ".join(m.group(1).split()) if m else ""
