"""Rendering a printable document: the templates and print styles in documents/, the metadata every
PDF carries, and the one WeasyPrint render (tagged PDF/UA-1, reproducible, fetching nothing from
outside the project, WeasyPrint's errors stopping the build)."""
from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import unquote, urlsplit

import jinja2

from .. import dates, pdf_tags, weasy
from ..errors import ContentError, Problem
from ..templates import kit_templates
from .content import document_date

if TYPE_CHECKING:
    from ..model import Project

# pdf_identifier=True: a /ID made from the content (an MD5 of the objects), so it is the same in every build.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True}


class RenderError(Exception):
    """WeasyPrint reported an error: the document would be incomplete."""


@dataclass
class Rendered:
    path: Path
    pages: int
    cached: bool = False  # the same bytes as an earlier build's (kit/documents/cache.py)


def documents_dir(project: Project) -> Path:
    return project.root / "documents"


def templates(project: Project) -> jinja2.Environment:
    return _templates(documents_dir(project))


@functools.lru_cache(maxsize=4)
def _templates(folder: Path) -> jinja2.Environment:
    """One environment per folder in a process: each template is compiled once (and again when its
    file has changed: Jinja checks the file's time on each use)."""
    return kit_templates(folder)


def css_urls(project: Project, *names: str) -> list[str]:
    return [(documents_dir(project) / name).as_uri() for name in ("shared/print.css", *names)]


def metadata(project: Project, title: str, paths: list[str] | tuple[str, ...], description: str = "") -> dict[str, str]:
    """What the document's <head> tells WeasyPrint: title, author, dates (never 'now': the build's
    time, or midnight UTC of the latest review of the pages it is made from)."""
    when = dates.build_time(document_date(project, paths)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"title": title, "author": project.board.name, "description": description, "created": when, "modified": when}


@contextmanager
def weasyprint_messages() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors while rendering one document."""
    from weasyprint import LOGGER

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    previous = LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.WARNING)
    propagate, LOGGER.propagate = LOGGER.propagate, False
    try:
        yield records
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(previous)
        LOGGER.propagate = propagate


def _page_naming(project: Project, url: str) -> str:
    """The page (or data file) that holds an address, for a message; the document's name otherwise."""
    for page in project.pages.values():
        if url in page.body or url in str(page.meta):
            return page.file
    return ""


@dataclass
class Layout:
    """What one render learnt (plain data, so a worker process can return it)."""
    page_names: list[str]  # each page's page name (CSS `page`), "" for an unnamed page
    anchors: dict[str, int]  # element id -> index of the page it is on
    fetched: list[str]  # the file: URLs the render read (stylesheets, fonts, images)
    refused: str | None  # the address the render was refused, if that stopped it
    errors: list[str]  # WeasyPrint's error messages


def render_file(html: str, base_url: str, out: Path | None, roots: tuple[Path, ...], **options: Any) -> Layout:
    """Render HTML to a tagged PDF at `out` (only lay it out when None), reading only files inside
    `roots`. Nothing is written when a fetch was refused; the caller judges the errors (`check_layout`)."""
    from weasyprint import HTML

    from ..repro import atomic_write

    opts = {**PDF_OPTIONS, **options}
    served: list[Path] = []
    fetcher = weasy.local_fetcher(roots, served)
    with weasyprint_messages() as records:
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(font_config=weasy.font_config(roots), **opts)
        except BaseException as e:
            if (url := weasy.refused_url(e)) is None:
                raise
            return Layout([], {}, sorted({p.as_uri() for p in served}), url, [])
        if out is not None:
            atomic_write(out, document.write_pdf(finisher=pdf_tags.pagination_artifacts, **opts))
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    names = [page._page_box.page_type.name for page in document.pages]  # WeasyPrint's page boxes (no public name)
    return Layout(names, anchors, sorted({p.as_uri() for p in served}), None, errors)


def warm_up(project: Project, *roots: Path) -> None:
    """Lay out a few words with the shared print styles and throw them away, so that this process's
    first real render, and the workers forked from it, do not pay for WeasyPrint's first use (the
    web fonts decoded for the project and `roots`, Pango and HarfBuzz loaded): the build does it
    while the engine builds the pages."""
    links = "".join(f'<link rel="stylesheet" href="{url}">' for url in css_urls(project))
    render_file(f"<html><head>{links}</head><body><p>Aa <b>Bb</b> <i>Cc</i></p></body></html>",
                project.root.resolve().as_uri() + "/", None, (project.root, *roots))


def check_layout(project: Project, name: str, refused: str | None, errors: list[str]) -> None:
    """Stop the build when a render was refused a fetch (naming the page that holds the address)
    or WeasyPrint reported errors."""
    if refused is not None:
        source = _page_naming(project, refused)
        message = weasy.REFUSED.format(url=refused)
        raise ContentError([Problem(source or name, "", f"while making {name}, {message}" if source else message)])
    if errors:
        raise RenderError(f"{name}: " + "; ".join(sorted(set(errors))[:10]))


def render(project: Project, html: str, base_url: str, out: Path, roots: tuple[Path, ...],
           served: list[Path] | None = None, **options: Any) -> Rendered:
    """Render HTML to a tagged PDF, fetching only files inside the project and `roots` (each file
    read is added to `served`). WeasyPrint's errors stop the build; its CSS warnings (rules it does
    not support, from the site's screen styles) are left out."""
    layout = render_file(html, base_url, out, (project.root, *roots), **options)
    check_layout(project, out.name, layout.refused, layout.errors)
    if served is not None:
        served.extend(Path(unquote(urlsplit(url).path)) for url in layout.fetched)
    return Rendered(out, len(layout.page_names))
