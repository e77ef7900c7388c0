"""The whole project read from its sources (mkdocs.yml, docs/data/*.yml, docs/**/*.md) into one
Project, checked field by field. It knows no engine and no renderer: a page's text is kept as the
editor wrote it (kit.site fills in its {{ … }} names and gives a filled Project of the same shape)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .. import yamlio
from ..errors import ContentError, Problems
from .changes import News, load_changes
from .config import Board, SiteConfig, load_config
from .data import Link, Offences, load_links, load_offences
from .pages import Page, read_page
from .text import check_links_in_text, check_placeholders
from .topics import GUIDELINES_PAGE, SUMMARY_PAGE, Lists, Topic, read_lists, read_topic

SUMMARY_HEADINGS = ("Appropriate", "Inappropriate")
GUIDELINES_HEADINGS = ("Remember", "Do not", "Inappropriate", "Appropriate")


@dataclass(frozen=True)
class Project:
    root: Path
    config: SiteConfig | None  # None only while the problems of an unreadable mkdocs.yml are reported
    links: dict[str, Link]
    offences: Offences
    pages: dict[str, Page]
    rendered: dict[str, str]  # page path -> its Markdown as published: as written until kit.site fills it
    nav: list[str] = field(default_factory=list)  # page paths in navigation order
    topics: list[Topic] = field(default_factory=list)
    summary: Lists | None = None
    guidelines: Lists | None = None
    whats_new: tuple[News, ...] = ()  # docs/data/changes.yml, newest first
    filled: bool = False  # True once kit.site has filled in every page's {{ … }} names

    @property
    def board(self) -> Board:
        assert self.config is not None
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


def structure(pages: dict[str, Page], texts: dict[str, str], nav: list[str], p: Problems
              ) -> tuple[list[Topic], Lists | None, Lists | None]:
    """The topics (in nav order) and the two summary pages, read from `texts` (as written, or filled)."""
    topics = [read_topic(pages[rel], texts[rel], p) for rel in nav if rel.startswith("topics/") and rel in pages]
    summary = (read_lists(pages[SUMMARY_PAGE], texts[SUMMARY_PAGE], SUMMARY_HEADINGS, p)
               if SUMMARY_PAGE in pages else None)
    guidelines = (read_lists(pages[GUIDELINES_PAGE], texts[GUIDELINES_PAGE], GUIDELINES_HEADINGS, p, prose=("Remember",))
                  if GUIDELINES_PAGE in pages else None)
    return topics, summary, guidelines


def read_project(root: Path, p: Problems) -> Project:
    """Everything the sources say, with every problem added to `p` (nothing is raised)."""
    root = Path(root).resolve()
    try:
        config: SiteConfig | None = load_config(root)
    except ContentError as e:
        p.items.extend(e.problems)
        config = None
    links = load_links(root, p)
    offences = load_offences(root, links, p)
    docs = root / "docs"
    pages: dict[str, Page] = {}
    for f in sorted(docs.rglob("*.md")):
        rel = f.relative_to(docs).as_posix()
        if rel.startswith("includes/"):
            continue
        text = yamlio.read_text(f, f"docs/{rel}", p)
        if text is not None:
            pages[rel] = read_page(rel, f"docs/{rel}", text, p, topic=rel.startswith("topics/"))
    for page in pages.values():
        check_links_in_text(page, links, p)
        check_placeholders(page, p)
    texts = {rel: page.body for rel, page in pages.items()}
    if config is None:  # without the settings there is no nav: report what can be checked
        return Project(root, None, links, offences, pages, texts)
    nav = [x for x in _nav_paths(config.raw.get("nav")) if x.endswith(".md")]
    for rel in pages:
        if nav and rel not in nav:
            p.add(f"docs/{rel}", "", "is not in the navigation: add it to 'nav' in mkdocs.yml (or delete the file)")
    for rel in nav:
        if rel not in pages:
            p.add("mkdocs.yml", "field nav", f"lists {rel}, but docs/{rel} does not exist")
    topics, summary, guidelines = structure(pages, texts, nav, p)
    return Project(root, config, links, offences, pages, texts, nav, topics, summary, guidelines,
                   load_changes(root, pages, p))


def load_project(root: Path) -> Project:
    """The project as written (not filled in); raises ContentError listing every problem."""
    p = Problems()
    project = read_project(root, p)
    p.raise_if_any()
    return project
