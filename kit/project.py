"""Load and check the whole project (config, data files, pages) in one pass.

This is the only code that knows how a topic page is structured: the MkDocs hook, the
poster renderer and the document builders all ask it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import fields, html_check, yamlio
from .changes import load_changes
from .config import SiteConfig, load_config
from .errors import ContentError, Problem, Problems
from .fill import fill
from .pages import Page, list_items, long_date, parse_date, read_page, split_sections

TOPIC_PARTS = {
    "best practice": "best",
    "safe practice": "safe",
    "poor practice": "poor",
    "consequences of poor practice": "consequences",
    "what should be in place?": "in_place",
}
OPTIONAL_PARTS = {"poor"}  # may be left out only when the page's `parts_not_in_source` says so
SUMMARY_PAGE = "good-practice-summary.md"
GUIDELINES_PAGE = "general-guidelines.md"
PLACEHOLDER_PAGES = ("policy/",)  # only these pages may keep "(Insert …)" fill-in fields
PLACEHOLDER = re.compile(r"\((?:Insert|insert)\b[^)]*\)")
REF_LINK = re.compile(r"\]\[([^\]]+)\]")
INLINE_URL = re.compile(r"(?<![\w\"'=])(https?://[^\s)\]>\"']+)")
LINK_KEYS = {"url", "title", "checked_on", "formerly", "note"}
OFFENCE_KEYS = {"id", "offence", "statute", "section", "link", "mode", "summary", "indictment", "in_force", "source",
                "confidence", "change", "note"}
OFFENCE_REQUIRED = ("id", "offence", "statute", "section", "link", "mode", "source", "confidence")
OFFENCE_MODES = ("summary only", "either way", "not stated")  # "not stated": no maximum is published
OFFENCE_TEXT = {"id", "offence", "statute", "section", "link", "mode", "summary", "indictment", "in_force", "note"}  # never a number or a list
CHANGE_KEYS = ("was", "now", "by", "date")
CHANGE_OPTIONAL = ("seed",)  # seed: true = `was` quotes the 2012 guidance word for word


@dataclass(frozen=True)
class Link:
    id: str
    url: str
    title: str
    checked_on: dt.date | None
    formerly: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Change:
    was: str
    now: str
    by: str
    date: dt.date | None
    seed: bool = False  # `was` quotes the 2012 guidance word for word


@dataclass(frozen=True)
class Offence:
    id: str
    offence: str
    statute: str
    section: str
    link: str
    mode: str
    summary: str
    indictment: str | None
    source: str  # "original" or "added"
    confidence: str  # "high" or "medium"
    changes: tuple[Change, ...] = ()
    note: str = ""
    in_force: str = ""  # when it took effect, as text (may say "check when it comes into force")


@dataclass(frozen=True)
class Offences:
    checked_on: dt.date | None
    rows: tuple[Offence, ...]


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


@dataclass
class Project:
    root: Path
    config: SiteConfig
    links: dict[str, Link]
    offences: Offences
    pages: dict[str, Page]
    rendered: dict[str, str]  # page path -> Markdown after the Jinja variables are filled in
    nav: list[str] = field(default_factory=list)  # page paths in navigation order
    topics: list[Topic] = field(default_factory=list)
    summary: Lists | None = None
    guidelines: Lists | None = None
    whats_new: tuple = ()  # kit.changes.News entries from docs/data/changes.yml, newest first

    @property
    def board(self):  # noqa: ANN201 - a Board
        return self.config.board

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)


def _nav_paths(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_paths(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_paths(value)


def _load_yaml_file(root: Path, rel: str, p: Problems) -> tuple[Any, dict[str, int]]:
    text = yamlio.read_text(root / rel, rel, p, missing="the data file is missing")
    if text is not None:
        try:
            return yamlio.load(text)
        except yamlio.YamlError as e:
            e.add_to(p, rel)
    return None, {}


class UnreadableLinks(dict):
    """docs/data/links.yml could not be read, and that is already reported: every link id counts as
    known, so that each [text][id] in the pages does not add a knock-on message of its own."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Link:
        return Link(key, "", "", None)


def load_links(root: Path, p: Problems) -> dict[str, Link]:
    rel = "docs/data/links.yml"
    data, lines = _load_yaml_file(root, rel, p)
    links: dict[str, Link] = {}
    if data is None:
        return UnreadableLinks()
    if not isinstance(data, dict):
        p.add(rel, "line 1", "must be a list of link entries, each 'id:' followed by url, title and checked_on")
        return links
    for lid, entry in data.items():
        where = f"line {lines.get(str(lid), 1)} (link {lid})"
        if not isinstance(entry, dict):
            p.add(rel, where, "must have url, title and checked_on under it")
            continue
        for key in sorted(set(entry) - LINK_KEYS):
            p.add(rel, where, f"'{key}' is not a known field; use only: {', '.join(sorted(LINK_KEYS))}")
        url = entry.get("url")
        if url is None:
            p.add(rel, f"{where} field url", "is missing: give the full web address, starting with https://")
            url = ""
        elif problem := fields.web_address_problem(url):
            p.add(rel, f"{where} field url", problem)
            url = ""
        title = entry.get("title")
        if title is None:
            p.add(rel, f"{where} field title", "is missing: give the name of the page or organisation")
            title = ""
        elif problem := fields.text_problem(title):
            p.add(rel, f"{where} field title", problem)
            title = ""
        note = entry.get("note")
        if note is not None and (problem := fields.text_problem(note)):
            p.add(rel, f"{where} field note", problem)
            note = ""
        checked = parse_date(entry.get("checked_on"), rel, f"{lid}.checked_on", lines.get(str(lid)), p)
        formerly = entry.get("formerly") or []
        if isinstance(formerly, str):
            formerly = [formerly]
        if not isinstance(formerly, list) or any(fields.text_problem(f) for f in formerly):
            p.add(rel, f"{where} field formerly", "must be the old address, or a list of old addresses, one per line starting with '- '")
            formerly = []
        links[str(lid)] = Link(str(lid), url, str(title).strip(), checked, tuple(f.strip() for f in formerly), str(note or "").strip())
    return links


def load_offences(root: Path, links: dict[str, Link], p: Problems) -> Offences:
    rel = "docs/data/offences.yml"
    data, lines = _load_yaml_file(root, rel, p)
    if not isinstance(data, dict):
        if data is not None:
            p.add(rel, "line 1", "must have 'checked_on:' and 'offences:'")
        return Offences(None, ())
    checked = parse_date(data.get("checked_on"), rel, "checked_on", lines.get("checked_on"), p)
    rows: list[Offence] = []
    raw_rows = data.get("offences")
    if not isinstance(raw_rows, list) or not raw_rows:
        p.add(rel, "field offences", "must list the offences, each starting with '- id:'")
        return Offences(checked, ())
    for i, row in enumerate(raw_rows, start=1):
        label = row.get("id", i) if isinstance(row, dict) else i
        where = f"offence {label}"
        if not isinstance(row, dict):
            p.add(rel, where, "must be a mapping of fields")
            continue
        for key in sorted(set(row) - OFFENCE_KEYS):
            p.add(rel, f"{where} field {key}", f"is not a known field; use only: {', '.join(sorted(OFFENCE_KEYS))}")
        missing = [k for k in OFFENCE_REQUIRED if row.get(k) is None or row.get(k) == ""]
        for key in missing:
            p.add(rel, f"{where} field {key}", "is missing: every offence needs it")
        for key in sorted(OFFENCE_TEXT & set(row)):
            if key not in missing and row[key] is not None and (problem := fields.text_problem(row[key])):
                p.add(rel, f"{where} field {key}", problem)
                missing.append(key)
        if row.get("link") and str(row["link"]) not in links:
            p.add(rel, f"{where} field link", f"'{row['link']}' is not an id in docs/data/links.yml: add the legislation.gov.uk address there")
        if row.get("mode") not in (None, *OFFENCE_MODES):
            p.add(rel, f"{where} field mode", "must be 'summary only', 'either way' or 'not stated'")
        if row.get("mode") == "not stated":
            for key in ("summary", "indictment"):
                if row.get(key):
                    p.add(rel, f"{where} field {key}", "must be left out: the mode 'not stated' means no maximum is published")
        elif row.get("mode") and not row.get("summary"):
            missing.append("summary")
            p.add(rel, f"{where} field summary", "is missing: give the maximum on summary conviction (or set mode: not stated)")
        if row.get("mode") == "either way" and not row.get("indictment"):
            p.add(rel, f"{where} field indictment", "is missing: an either-way offence has a maximum on indictment")
        if row.get("source") not in (None, "original", "added"):
            p.add(rel, f"{where} field source", "must be 'original' (in the 2012 guidance) or 'added'")
        if row.get("confidence") not in (None, "high", "medium"):
            p.add(rel, f"{where} field confidence", "must be 'high' or 'medium'")
        changes: list[Change] = []
        raw_changes = row.get("change")
        for c in raw_changes if isinstance(raw_changes, list) else [raw_changes] if raw_changes is not None else []:
            if not isinstance(c, dict) or any(not c.get(k) for k in CHANGE_KEYS):
                p.add(rel, f"{where} field change", f"each change must give all of: {', '.join(CHANGE_KEYS)}")
                continue
            for key in sorted(set(map(str, c)) - set(CHANGE_KEYS + CHANGE_OPTIONAL)):
                p.add(rel, f"{where} field change", f"'{key}' is not a known field of a change; use only: "
                      + ", ".join(CHANGE_KEYS + CHANGE_OPTIONAL))
            if c.get("seed") not in (None, True, False):
                p.add(rel, f"{where} field change", "'seed' must be true (the 'was' text quotes the 2012 guidance) or false")
            if bad := [k for k in ("was", "now", "by") if fields.text_problem(c[k])]:
                for k in bad:
                    p.add(rel, f"{where} field change.{k}", str(fields.text_problem(c[k])))
                continue
            changes.append(Change(str(c["was"]), str(c["now"]), str(c["by"]),
                                  parse_date(c["date"], rel, f"{label}.change.date", None, p), c.get("seed") is True))
        if missing:
            continue
        rows.append(Offence(
            id=str(row["id"]), offence=str(row["offence"]), statute=str(row["statute"]), section=str(row["section"]),
            link=str(row["link"]), mode=str(row["mode"]), summary=str(row.get("summary") or ""),
            indictment=str(row["indictment"]) if row.get("indictment") else None,
            source=str(row["source"]), confidence=str(row["confidence"]), changes=tuple(changes), note=str(row.get("note") or ""),
            in_force=str(row.get("in_force") or ""),
        ))
    return Offences(checked, tuple(rows))


def render_text(text: str, context: dict[str, Any], file: str, first_line: int, p: Problems) -> str:
    """A page's text with {{ … }} filled in (sandboxed: kit/fill.py)."""
    return fill(text, context, file, first_line, p)


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


def load_project(root: Path) -> Project:
    """Read and check everything; raise ContentError listing every problem."""
    p = Problems()
    try:
        return _load_project(Path(root).resolve(), p)
    except ContentError:
        raise
    except Exception:
        # Code that fills pages in may trip over content already found wrong (an empty title, a
        # broken list): report the content problems, which the editor can fix, not the fault.
        if p.items:
            raise ContentError(p.items) from None
        raise


def _load_project(root: Path, p: Problems) -> Project:
    try:
        config = load_config(root)
    except ContentError as e:
        p.items.extend(e.problems)
        config = None
    links = load_links(root, p)
    offences = load_offences(root, links, p)
    from .internal import check_internal_links  # late imports: they need the loaded data
    from .markdown import context_for

    docs = root / "docs"
    pages: dict[str, Page] = {}
    for f in sorted(docs.rglob("*.md")):
        rel = f.relative_to(docs).as_posix()
        if rel.startswith("includes/"):
            continue
        text = yamlio.read_text(f, f"docs/{rel}", p)
        if text is None:
            continue
        pages[rel] = read_page(rel, f"docs/{rel}", text, p, topic=rel.startswith("topics/"))
    if config is None:  # the pages cannot be filled in without the board's settings: report what can be checked
        for page in pages.values():
            check_links_in_text(page, links, p)
            check_placeholders(page, p)
        unfilled = Project(root, None, links, offences, pages, {r: pg.body for r, pg in pages.items()})  # type: ignore[arg-type]
        check_internal_links(unfilled, p)
        html_check.check_project(unfilled, p)
        p.raise_if_any()
        raise AssertionError
    nav = [x for x in _nav_paths(config.raw.get("nav")) if x.endswith(".md")]
    for rel in pages:
        if nav and rel not in nav:
            p.add(f"docs/{rel}", "", "is not in the navigation: add it to 'nav' in mkdocs.yml (or delete the file)")
    for rel in nav:
        if rel not in pages:
            p.add("mkdocs.yml", "field nav", f"lists {rel}, but docs/{rel} does not exist")
    project = Project(root, config, links, offences, pages, {}, nav)
    project.whats_new = load_changes(root, pages, p)
    context = context_for(project)
    for rel, page in pages.items():
        check_links_in_text(page, links, p)
        check_placeholders(page, p)
        project.rendered[rel] = render_text(page.body, context, page.file, page.body_line, p)
    for rel in [x for x in nav if x.startswith("topics/") and x in pages]:
        project.topics.append(_topic(pages[rel], project.rendered[rel], p))
    if SUMMARY_PAGE in pages:
        project.summary = _lists(pages[SUMMARY_PAGE], project.rendered[SUMMARY_PAGE], ("Appropriate", "Inappropriate"), p)
    if GUIDELINES_PAGE in pages:
        project.guidelines = _lists(pages[GUIDELINES_PAGE], project.rendered[GUIDELINES_PAGE],
                                    ("Remember", "Do not", "Inappropriate", "Appropriate"), p, prose=("Remember",))
    check_internal_links(project, p)
    html_check.check_project(project, p)  # HTML, links and images editor text may not publish
    p.raise_if_any()
    return project


def _topic(page: Page, rendered: str, p: Problems) -> Topic:
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


def _lists(page: Page, rendered: str, headings: tuple[str, ...], p: Problems, prose: tuple[str, ...] = ()) -> Lists:
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
