"""What each poster says, from the filled Project: a topic's parts (kit.model.topics), the summary
pages' lists, the offences (docs/data/offences.yml), the board's contacts, and, where a poster shows
a page's own prose, that page's blocks as kit.model.blocks reads them. The templates hold structure only."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ContentError, Problem
from ..model.blocks import marked_paragraph, page_blocks, section_of
from ..model.data import maximum_cells
from ..model.topics import BANDS, TOPIC_PARTS

if TYPE_CHECKING:
    from ..model import Project
    from ..model.topics import Lists, Topic

LAYOUTS = ("topic", "lists", "reporting", "offences")
REPORTING_PAGE = "reporting-concerns.md"
LEGAL_PAGE = "legal-consequences.md"
ADDED_OFFENCES_SLUG = "legal-consequences-added"
NOT_TEXT = ("key", "label", "number", "address", "url", "added")  # labels and data, not text an editor would cut
REF_ID = re.compile(r"\]\[([^\]]+)\]")


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


def short_address(url: str) -> str:
    """A web address as people type it: no scheme, no trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


def footer_line(project: Project) -> str:
    """The recommendation line every poster carries: the paragraph of docs/posters.md marked
    `{: .sg-poster-footer }`, so the wording lives in the content, once."""
    line = marked_paragraph(project.rendered.get("posters.md", ""), "sg-poster-footer")
    if line is None:
        raise ContentError([Problem("docs/posters.md", "", "the paragraph marked '{: .sg-poster-footer }' "
                                    "(the line printed at the foot of every poster) is missing: put that mark "
                                    "on the line after the paragraph")])
    return line


def _blocks(project: Project, markdown: str) -> list[Any]:
    return page_blocks(markdown, project.root / "docs" / "includes")


def _topic_spec(project: Project, topic: Topic) -> PosterSpec:
    labels = {key: heading[:1].upper() + heading[1:] for heading, key in TOPIC_PARTS.items()}
    bands = [{"key": key, "label": label, "items": list(getattr(topic, key))}
             for key, label in BANDS if getattr(topic, key)]
    parts = [{"key": key, "label": labels[key], "items": list(getattr(topic, key))}
             for key in ("consequences", "in_place") if getattr(topic, key)]
    # the page's introduction (the source's own for Social networking and Live streaming) and its update notes
    intro_blocks = _blocks(project, topic.intro)
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
    page = project.pages[REPORTING_PAGE]
    blocks = _blocks(project, project.rendered[REPORTING_PAGE])
    danger = next((b for b in blocks if b.kind == "admonition" and b.items[0] == "danger"), None)
    if danger is None:
        raise ContentError([Problem(page.file, "", "the poster needs the 'If a child is in immediate danger' box: "
                                    'keep the line --8<-- "immediate-danger.md" on this page')])
    number = re.search(r"\b\d{3}\b", danger.text)
    headings = [b.text for b in blocks if b.kind == "heading"]
    # the section holding the list of contacts ({{ board_contacts }}) is shown from extra.board directly
    contacts_section = section_of(page.body, "board_contacts") or ""
    intro: list[str] = []
    routes: list[dict[str, str]] = []
    for b in blocks:
        if b.kind != "paragraph" or not b.section or b.section == contacts_section:
            continue
        ids = [i for i in REF_ID.findall(b.text) if i in project.links]
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
    return PosterSpec("reporting-concerns", "reporting", str(page.meta.get("title", "")), REPORTING_PAGE,
                      page.last_reviewed, str(page.meta.get("description", "")), data)


def _offences_spec(project: Project, source: str = "original") -> PosterSpec:
    """A legal poster: the offences of one `source` (docs/data/offences.yml). "original" (the 2012
    guidance's offences) takes the section asking for {{ offences_table }}; "added" takes the one
    asking for {{ added_offences_table }}, so the two tables stay apart on paper as on the page."""
    page = project.pages[LEGAL_PAGE]
    blocks = _blocks(project, project.rendered[LEGAL_PAGE])
    sections = [b.text for b in blocks if b.kind == "heading" and b.section == b.text]
    marker = "added_offences_table" if source == "added" else "{{ offences_table"
    heading = section_of(page.body, marker) or (sections[0] if sections else "")
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
    return PosterSpec(slug, "offences", title, LEGAL_PAGE, page.last_reviewed, str(page.meta.get("description", "")), data)


def poster_specs(project: Project) -> list[PosterSpec]:
    """Every poster, in the order of the Posters page: the topics (navigation order), then the summaries."""
    specs = [_topic_spec(project, t) for t in project.topics]
    if project.summary:
        specs.append(_lists_spec(project, "good-practice-summary", project.summary,
                                 [("Appropriate", "best"), ("Inappropriate", "poor")]))
    if project.guidelines:
        specs.append(_lists_spec(project, "general-guidelines", project.guidelines,
                                 [("Inappropriate", "poor"), ("Appropriate", "best")], lead=("Remember", "Do not")))
    if REPORTING_PAGE in project.pages:
        specs.append(_reporting_spec(project))
    if LEGAL_PAGE in project.pages:
        specs.append(_offences_spec(project, "original"))
        if any(o.source == "added" for o in project.offences.rows):
            specs.append(_offences_spec(project, "added"))
    return specs


def example_spec(project: Project, layout: str) -> PosterSpec:
    """A poster of `layout` filled with its example context (posters/<layout>/example.yml)."""
    import yaml

    data = yaml.safe_load((project.root / "posters" / layout / "example.yml").read_text(encoding="utf-8"))
    return PosterSpec(f"example-{layout}", layout, data["title"], data["page"], data["last_reviewed"],
                      data["description"], data["data"])
