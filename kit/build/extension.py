"""The one Python-Markdown extension that fills the site's pages, under either engine.

    markdown_extensions:
      - kit.build.extension

MkDocs + Material and Zensical both run Python-Markdown extensions (Zensical runs no MkDocs hooks).
For each page it replaces the engine's Markdown with what kit publishes: the page filled in by the
sandboxed fill (a topic page laid out from its parts), its review dates, and the reference
definitions of docs/data/links.yml. The page is known from Zensical's rendering context, or, under
MkDocs, from the one-line hook in hooks/content.py.

The project is read once per process and again when a source file changes (`serve`). A content
problem stops the build; while serving (SG_SERVE=1) it is shown on the page instead, with the file
and line, so the editor sees it in the browser, and a page with posters starts with a preview of
them (kit.build.preview_page; never in a published build).
"""
from __future__ import annotations

import functools
import html
import os
import sys
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..cachekeys import digest, files_digest, stat_signature
from ..checks import load_checked_project, load_project
from ..dates import long_date, today
from ..errors import ContentError
from ..model import Project
from ..model.data import link_definitions
from ..model.reviews import DUE_SOON, OVERDUE, status
from ..site.gallery import gallery_markdown
from ..site.layout import site_markdown
from ..sizes import file_sizes, fill_sizes
from .preview_page import preview_markup

CHECKED_ENV = "SG_CHECKED_SOURCES"  # checked_sources() of the sources the build has checked
_current_page: str | None = None  # set by the MkDocs hook before each page
_cache: dict[str, tuple[str, Project | ContentError]] = {}


def set_current_page(path: str) -> None:
    global _current_page
    _current_page = path


def _page_path(md: Markdown) -> str | None:
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:  # not under Zensical
        return _current_page
    context = ContextPreprocessor.from_markdown(md)
    return context.page.path if context is not None else _current_page


def source_files(root: Path) -> str:
    """mkdocs.yml and every file under docs/ (what kit.checks reads there), by name, size and time."""
    return stat_signature(root, ["mkdocs.yml"], ["docs"])


@functools.lru_cache(maxsize=1)
def _kit_code() -> str:
    kit = Path(__file__).resolve().parent.parent
    return files_digest(kit, sorted(kit.rglob("*.py")))


def checked_sources(root: Path) -> str:
    """Everything kit.checks reads, as this process sees it: the folder, source_files(), the poster
    list it fills into the Posters page (by the gallery made from it) and the kit code that checks
    and fills (by content). A build hands this, taken before its own check, to the engine it starts
    (CHECKED_ENV); the engine does not check again while its own value is the same before and after
    it reads the sources. The environment is trusted: whoever sets CHECKED_ENV by hand skips the
    check, as whoever can edit kit/ can."""
    return digest(str(Path(root).resolve()), source_files(root), gallery_markdown(root), _kit_code())


def _load(root: Path) -> Project:
    handed = os.environ.get(CHECKED_ENV)
    if handed and handed == checked_sources(root):
        project = load_checked_project(root)
        if checked_sources(root) == handed:  # and nothing changed while it was read
            return project
    return load_project(root)


def project_for(root: Path) -> Project:
    """The checked, filled project (kit.checks: the same checks as `make check`; not run again
    for sources the build that started this engine has just checked, see checked_sources)."""
    key = str(root)
    sig = source_files(root)  # a change while serving reloads it
    cached = _cache.get(key)
    if cached is None or cached[0] != sig:
        try:
            result: Project | ContentError = _load(root)
        except ContentError as e:
            result = e
        _cache[key] = (sig, result)
    result = _cache[key][1]
    if isinstance(result, ContentError):
        raise result
    return result


def review_markdown(project: Project, rel: str) -> tuple[str, str]:
    """The page's review notices: (before the content, after it). The date of the next review is
    also in a data- attribute, so a copy opened after that date says so in the browser (site.js)."""
    page = project.pages.get(rel)
    if page is None or page.next_review is None:
        return "", ""
    last, nxt = page.last_reviewed, page.next_review
    now = status(nxt, today())
    overdue = ('<div class="admonition warning sg-overdue" role="note">\n'
               '<p class="admonition-title">Overdue for review</p>\n'
               f"<p>This page was due for review on {long_date(nxt)}. Check it against current policy and law "
               "before relying on it.</p>\n</div>\n\n") if now == OVERDUE else ""
    soon = " (due soon)" if now == DUE_SOON else ""
    after = (f'<p class="sg-review" data-sg-next-review="{nxt.isoformat()}">\n'
             f'Page last reviewed <time datetime="{last.isoformat() if last else ""}">{long_date(last)}</time>.\n'
             f'Next review due <time datetime="{nxt.isoformat()}">{long_date(nxt)}</time>{soon}.\n</p>\n')
    return overdue, after


def page_markdown(project: Project, rel: str) -> str:
    before, after = review_markdown(project, rel)
    return f"{before}{site_markdown(project, rel)}\n\n{after}\n{link_definitions(project.links)}\n"


def problems_markdown(error: ContentError) -> str:
    items = "\n".join(f"<li>{html.escape(str(p))}</li>" for p in error.problems)
    n = len(error.problems)
    return ('<div class="admonition danger sg-problems" role="alert">\n<p class="admonition-title">'
            f"The pages cannot be shown until {'this problem is' if n == 1 else f'these {n} problems are'} fixed</p>\n"
            f"<ul>\n{items}\n</ul>\n<p>Fix the file and save it: this page reloads by itself.</p>\n</div>\n")


class FillPages(Preprocessor):
    def __init__(self, md: Markdown, root: str):
        super().__init__(md)
        self.root = Path(root or os.getcwd()).resolve()

    def run(self, lines: list[str]) -> list[str]:
        rel = _page_path(self.md)
        if rel is None:
            return lines
        try:
            project = project_for(self.root)
        except ContentError as e:
            if os.environ.get("SG_SERVE") != "1":
                raise
            print(e.report(), file=sys.stderr)
            return problems_markdown(e).splitlines()
        if rel not in project.pages:
            return lines
        text = page_markdown(project, rel)
        if os.environ.get("SG_SERVE") == "1":  # no build fills in the sizes: those of the last `make build`
            text = fill_sizes(text, file_sizes(self.root / "site"), missing="size not known until make build")
        # while serving only: the page's posters as the background worker last made them
        return (preview_markup(self.root, rel) + text).splitlines()


class FillExtension(Extension):
    def __init__(self, **kwargs: Any):
        self.config = {"root": ["", "the project folder (default: the folder the engine runs in)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Before pymdownx.snippets (32), which then includes the fragments the layout asks for.
        md.preprocessors.register(FillPages(md, self.getConfig("root")), "kit_fill_pages", 40)


def makeExtension(**kwargs: Any) -> FillExtension:  # noqa: N802 - Python-Markdown's name
    return FillExtension(**kwargs)
