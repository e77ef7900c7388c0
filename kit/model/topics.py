"""The structure of the structured pages, read in one place: a topic page's fixed headings
(Best, Safe and Poor practice, Consequences, What should be in place?) and the summary pages'
lists. Posters, documents, the site's layout and the checks all use what this reads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import Problems
from .pages import Page, list_items, split_sections

TOPIC_PARTS = {
    "best practice": "best",
    "safe practice": "safe",
    "poor practice": "poor",
    "consequences of poor practice": "consequences",
    "what should be in place?": "in_place",
}


BANDS = (("best", "Best practice"), ("safe", "Safe practice"), ("poor", "Poor practice"))  # the three labelled parts
OPTIONAL_PARTS = {"poor"}  # may be left out only when the page's `parts_not_in_source` says so


SUMMARY_PAGE = "good-practice-summary.md"


GUIDELINES_PAGE = "general-guidelines.md"
POLICY_PAGE = "policy/model-social-media-policy.md"
FORM_PAGE = "policy/employee-declaration-form.md"
CHECKLIST_PAGE = "checklist.md"
BUILDER_PAGE = "policy/builder.md"


@dataclass
class Topic:
    slug: str
    path: str
    title: str
    description: str
    headline: str
    qualifier: str
    second_headline: str
    intro: str
    best: list[str]
    safe: list[str]
    poor: list[str]
    consequences: list[str]
    in_place: list[str]
    source_note: str
    last_reviewed: dt.date | None
    next_review: dt.date | None


@dataclass
class Lists:
    """A structured page made of fixed headings, each holding a list (or, for 'Remember', a sentence)."""
    path: str
    title: str
    parts: dict[str, list[str]]
    last_reviewed: dt.date | None


def read_topic(page: Page, rendered: str, p: Problems) -> Topic:
    intro, sections = split_sections(rendered, page.body_line)
    parts: dict[str, list[str]] = {}
    not_in_source = page.meta.get("parts_not_in_source") or []
    if not isinstance(not_in_source, list) or any(x not in OPTIONAL_PARTS for x in not_in_source):
        p.add(page.file, "field parts_not_in_source", f"may only list: {', '.join(sorted(OPTIONAL_PARTS))}")
        not_in_source = []
    for s in sections:
        key = TOPIC_PARTS.get(s.heading.lower())
        if key is None:
            p.add(page.file, f"line {s.line}", f"'## {s.heading}' is not a topic section; use these headings: "
                  + ", ".join(h.capitalize() for h in TOPIC_PARTS))
            continue
        if key in parts:
            p.add(page.file, f"line {s.line}", f"'## {s.heading}' appears twice: merge the two lists")
            continue
        parts[key] = list_items(s, page.file, p)
    for heading, key in TOPIC_PARTS.items():
        if key not in parts and key not in not_in_source:
            p.add(page.file, "", f"the section '## {heading.capitalize()}' is missing: every topic page needs it")
    if page.meta.get("parts_not_in_source") and not page.meta.get("source_note"):
        p.add(page.file, "field source_note", "explain to readers why a part is not in the source")
    return Topic(
        slug=page.path.removeprefix("topics/").removesuffix(".md"), path=page.path,
        title=str(page.meta.get("title", "")), description=str(page.meta.get("description", "")),
        headline=str(page.meta.get("headline", "")), qualifier=str(page.meta.get("qualifier") or ""),
        second_headline=str(page.meta.get("second_headline") or ""),
        intro="\n".join(intro).strip(), best=parts.get("best", []), safe=parts.get("safe", []),
        poor=parts.get("poor", []), consequences=parts.get("consequences", []), in_place=parts.get("in_place", []),
        source_note=str(page.meta.get("source_note") or ""),
        last_reviewed=page.last_reviewed, next_review=page.next_review,
    )


def read_lists(page: Page, rendered: str, headings: tuple[str, ...], p: Problems, prose: tuple[str, ...] = ()) -> Lists:
    _intro, sections = split_sections(rendered, page.body_line)
    parts: dict[str, list[str]] = {}
    for s in sections:
        if s.heading not in headings:
            p.add(page.file, f"line {s.line}", f"'## {s.heading}' is not expected here; this page's headings are: {', '.join(headings)}")
        elif s.heading in prose:
            text = " ".join(line.strip() for line in s.lines if line.strip())
            if not text:
                p.add(page.file, f"line {s.line}", f"the text under '{s.heading}' is empty")
            parts[s.heading] = [text]
        else:
            parts[s.heading] = list_items(s, page.file, p)
    for h in headings:
        if h not in parts:
            p.add(page.file, "", f"the section '## {h}' is missing")
    return Lists(page.path, str(page.meta.get("title", "")), parts, page.last_reviewed)

