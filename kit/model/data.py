"""The data files: every external address (docs/data/links.yml) and the offences table
(docs/data/offences.yml), read and checked field by field."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import fields, yamlio
from ..dates import parse_date
from ..errors import Problems

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


def load_links(root: Path, p: Problems, *, https_only: bool = True) -> dict[str, Link]:
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
        elif problem := fields.web_address_problem(url, https_only=https_only):
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


def link_definitions(links: dict[str, Link]) -> str:
    """Reference-style Markdown definitions for every address in docs/data/links.yml."""
    return "\n".join(f'[{link.id}]: {link.url} "{link.title}"' for link in links.values())


NOT_STATED = "Not stated here: check on legislation.gov.uk"


def maximum_cells(o: Offence) -> tuple[str, str]:
    """The two maximum-penalty cells of an offence, as the site table and the legal posters show them."""
    if o.mode == "not stated":
        return NOT_STATED, NOT_STATED
    return o.summary, o.indictment or "Summary only: not tried on indictment"

