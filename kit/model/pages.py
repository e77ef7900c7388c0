"""Reading pages: front matter (checked field by field) and the fixed-heading sections of structured pages."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .. import yamlio
from ..dates import parse_date, today
from ..errors import Problems

COMMON_REQUIRED = ("title", "description", "last_reviewed", "next_review")
COMMON_OPTIONAL = ("hide", "board_to_confirm")  # board_to_confirm: a reading of the source the board should check
TOPIC_REQUIRED = ("headline",)
TOPIC_OPTIONAL = ("qualifier", "second_headline", "source_note", "parts_not_in_source")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")


@dataclass
class Page:
    path: str  # relative to docs/, with forward slashes
    file: str  # relative to the project root, for messages
    meta: dict[str, Any]
    body: str
    body_line: int  # line number in the file of the body's first line
    last_reviewed: dt.date | None = None
    next_review: dt.date | None = None


@dataclass
class Section:
    heading: str
    line: int
    lines: list[str] = field(default_factory=list)


def split_front_matter(text: str, file: str, p: Problems) -> tuple[dict[str, Any], str, int, dict[str, int]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        p.add(file, "line 1", "the page must start with front matter: a line '---', the fields (title, description, last_reviewed, next_review), and another '---'")
        return {}, text, 1, {}
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        p.add(file, "line 1", "the front matter is not closed: add a line '---' after the fields")
        return {}, text, 1, {}
    try:
        meta, key_lines = yamlio.load("\n".join(lines[1:end]), first_line=2)
    except yamlio.YamlError as e:
        e.add_to(p, file, prefix="front matter: ")
        return {}, "\n".join(lines[end + 1:]), end + 2, {}
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        p.add(file, "line 2", "the front matter must be a list of 'field: value' lines")
        meta = {}
    return meta, "\n".join(lines[end + 1:]), end + 2, key_lines


def read_page(path: str, file: str, text: str, p: Problems, *, topic: bool) -> Page:
    before = len(p.items)
    meta, body, body_line, key_lines = split_front_matter(text, file, p)
    if len(p.items) > before and text.startswith("---"):  # unreadable front matter: that one message says it all
        return Page(path=path, file=file, meta={}, body=body, body_line=body_line)
    allowed = set(COMMON_REQUIRED + COMMON_OPTIONAL) | (set(TOPIC_REQUIRED + TOPIC_OPTIONAL) if topic else set())
    required = COMMON_REQUIRED + (TOPIC_REQUIRED if topic else ())
    if meta or text.startswith("---"):
        for key in meta:
            if key not in allowed:
                p.add(file, f"line {key_lines.get(key, 2)} (field {key})", f"'{key}' is not a known field; allowed fields here: {', '.join(sorted(allowed))}")
        for key in required:
            if key not in meta or meta[key] in (None, ""):
                if key in ("last_reviewed", "next_review"):
                    continue  # reported by parse_date with a date hint
                p.add(file, f"field {key}", "is missing: add it to the front matter")
        for key in ("title", "description", "headline", "qualifier", "second_headline", "source_note", "board_to_confirm"):
            if key in meta and meta[key] is not None and not isinstance(meta[key], str):
                p.add(file, f"line {key_lines.get(key, 2)} (field {key})", "must be text; put it in quotes")
            elif isinstance(meta.get(key), str) and ("{{" in meta[key] or "{%" in meta[key]):
                # The site shows front matter as it is written, so {{ … }} here would be published as braces.
                p.add(file, f"line {key_lines.get(key, 2)} (field {key})", "cannot use {{ … }}: the front matter is shown "
                      "exactly as written, so write the words themselves (e.g. the board's name in full)")
    page = Page(path=path, file=file, meta=meta, body=body, body_line=body_line)
    if meta or text.startswith("---"):
        page.last_reviewed = parse_date(meta.get("last_reviewed"), file, "last_reviewed", key_lines.get("last_reviewed"), p)
        page.next_review = parse_date(meta.get("next_review"), file, "next_review", key_lines.get("next_review"), p)
        if page.last_reviewed and page.last_reviewed > today():
            p.add(file, f"line {key_lines.get('last_reviewed', 2)} (field last_reviewed)",
                  f"{page.last_reviewed} is in the future: give the date the page was last reviewed (today or earlier)")
        if page.last_reviewed and page.next_review and page.next_review <= page.last_reviewed:
            p.add(file, f"line {key_lines.get('next_review', 2)} (field next_review)",
                  f"{page.next_review} is not after last_reviewed ({page.last_reviewed}): the next review must come later")
    return page


def split_sections(body: str, first_line: int) -> tuple[list[str], list[Section]]:
    """Split a body at its level-2 headings: the lines before the first, and each section."""
    intro: list[str] = []
    sections: list[Section] = []
    for offset, line in enumerate(body.splitlines()):
        m = HEADING.match(line)
        if m and len(m.group(1)) == 2:
            sections.append(Section(m.group(2).strip(), first_line + offset))
        elif sections:
            sections[-1].lines.append(line)
        else:
            intro.append(line)
    return intro, sections


def list_items(section: Section, file: str, p: Problems) -> list[str]:
    """The points of a section that must hold only a list (each point may wrap onto indented lines)."""
    items: list[str] = []
    for offset, line in enumerate(section.lines, start=1):
        if not line.strip():
            continue
        m = ITEM.match(line)
        if m:
            items.append(m.group(1).strip())
        elif line.startswith((" ", "\t")) and items:
            items[-1] += " " + line.strip()
        else:
            p.add(file, f"line {section.line + offset}",
                  f"under '{section.heading}' only a list is allowed: start each point with '- ' (found: {line.strip()[:60]!r})")
    items = [i for i in items if i]
    if not items:
        p.add(file, f"line {section.line}", f"the list under '{section.heading}' is empty: add at least one point starting with '- '")
    return items
