"""What's new: the maintained list of content changes in docs/data/changes.yml.

A data file rather than git history: entries are written for readers (not developers), say
which pages changed, survive a fork or a copy without .git, and keep the build reproducible.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import yamlio
from ..dates import parse_date
from ..errors import Problems

FILE = "docs/data/changes.yml"
ENTRY_KEYS = {"date", "title", "changes", "pages"}


@dataclass(frozen=True)
class NewsItem:
    text: str
    line: int


@dataclass(frozen=True)
class News:
    date: dt.date
    title: str
    changes: tuple[NewsItem, ...]
    pages: tuple[str, ...]
    line: int


def _lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each entry of the top-level list: its line, and the line of each of its items under 'changes'."""
    out: list[tuple[int, dict[str, int]]] = []
    try:
        node = yaml.compose(text, Loader=yamlio._Loader)
    except yaml.YAMLError:
        return out
    if isinstance(node, yaml.SequenceNode):
        for entry in node.value:
            items: dict[str, int] = {}
            if isinstance(entry, yaml.MappingNode):
                for key, value in entry.value:
                    if isinstance(key, yaml.ScalarNode):
                        items[str(key.value)] = key.start_mark.line + 1
                        if key.value == "changes" and isinstance(value, yaml.SequenceNode):
                            for i, item in enumerate(value.value):
                                items[f"changes[{i}]"] = item.start_mark.line + 1
            out.append((entry.start_mark.line + 1, items))
    return out


def load_changes(root: Path, pages: set[str] | dict[str, Any], p: Problems) -> tuple[News, ...]:
    path = root / FILE
    if not path.exists():
        return ()  # optional: a fork may start without a What's new page
    text = yamlio.read_text(path, FILE, p)
    if text is None:
        return ()
    try:
        data, _ = yamlio.load(text)
    except yamlio.YamlError as e:
        e.add_to(p, FILE)
        return ()
    if data is None:
        return ()
    if not isinstance(data, list):
        p.add(FILE, "line 1", "must be a list of changes, each starting with '- date:'")
        return ()
    lines = _lines(text)
    news: list[News] = []
    for i, entry in enumerate(data):
        line, key_lines = lines[i] if i < len(lines) else (1, {})
        where = f"line {line}"
        if not isinstance(entry, dict):
            p.add(FILE, where, "each change must have date, title and changes (a list of points)")
            continue
        for key in sorted(set(map(str, entry)) - ENTRY_KEYS):
            p.add(FILE, f"line {key_lines.get(key, line)} (field {key})", f"is not a known field; use only: {', '.join(sorted(ENTRY_KEYS))}")
        date = parse_date(entry.get("date"), FILE, "date", key_lines.get("date", line), p)
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            p.add(FILE, f"line {key_lines.get('title', line)} (field title)", "is missing: give the change a one-line title in quotes")
            title = ""
        raw_items = entry.get("changes")
        items: list[NewsItem] = []
        if not isinstance(raw_items, list) or not raw_items:
            p.add(FILE, f"line {key_lines.get('changes', line)} (field changes)", "must list what changed, one point per line starting with '- '")
        else:
            for j, item in enumerate(raw_items):
                item_line = key_lines.get(f"changes[{j}]", line)
                if not isinstance(item, str) or not item.strip():
                    p.add(FILE, f"line {item_line} (field changes)", "each point must be text: put it in quotes")
                else:
                    items.append(NewsItem(item.strip(), item_line))
        raw_pages = entry.get("pages") or []
        if isinstance(raw_pages, str):
            raw_pages = [raw_pages]
        if not isinstance(raw_pages, list):
            p.add(FILE, f"line {key_lines.get('pages', line)} (field pages)", "must be a list of page files, like [sources.md, legal-consequences.md]")
            raw_pages = []
        for page in raw_pages:
            if str(page) not in pages:
                p.add(FILE, f"line {key_lines.get('pages', line)} (field pages)", f"'{page}' is not a page: use the file name under docs/, like topics/email.md")
        if date is not None:
            news.append(News(date, str(title).strip(), tuple(items), tuple(str(x) for x in raw_pages if str(x) in pages), line))
    news.sort(key=lambda n: n.date, reverse=True)  # newest first, whatever order the file is in
    return tuple(news)
