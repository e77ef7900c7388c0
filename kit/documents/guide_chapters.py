"""The whole guide rendered part by part (guide_parts.py: the cover and contents, then each chapter,
or each page of a chapter), each part's PDF cached on disk, the parts joined into one PDF and
numbered by a numbers sheet laid over them (pdf_join.py).

A part's PDF is kept under a key that hashes everything its render reads: its HTML, the files the
render fetched (stylesheets, fonts, images: recorded as it ran, checked again before each reuse),
the render options, the renderer's identity and this kit's code. A part prints no page number, so
its PDF does not depend on where it falls in the book: a build renders the parts it has not seen,
learns their page counts, works out the contents' page numbers and renders the contents (again
only if its own page count moved the parts), then the numbers sheet for the whole book. The same
inputs give the same bytes, from the cache or not.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from .. import weasy
from ..cachekeys import Folders, digest, files_digest
from ..repro import atomic_write
from . import pdf_join
from .guide_parts import GOTO, Book, Part, split_book
from .render import PDF_OPTIONS, check_layout, render_file

if TYPE_CHECKING:
    from ..model import Project

CACHE_VERSION = "3"
CONTENTS_GUESS = 3  # the cover and contents' pages before they are laid out (this guide's: a wrong guess costs one more render)
KEEP_S = 86400  # entries no build used for this long are removed (concurrent builds share the cache)


@dataclass(frozen=True)
class PartJob:
    """One part to render (picklable, for a worker process)."""
    name: str
    html: str
    base_url: str
    roots: tuple[str, ...]  # the folders it reads from, named by number in keys (kit/cachekeys.py)
    cache_dir: str
    base: str  # the part's key before the files its render reads are known


@dataclass
class Seen:
    """What a part's render learnt: its pages' names, its anchors' pages, the files it read."""
    names: list[str]  # each page's page name ("" for an unnamed page)
    anchors: dict[str, int]
    files: dict[str, str | None]  # the files it read, by name, with their hashes (Folders.reads)

    @property
    def pages(self) -> int:
        return len(self.names)


@dataclass
class GuideBuild:
    pages: int
    starts: list[int] = field(default_factory=list)  # each part's first page (1-based), the contents' first
    rendered: list[str] = field(default_factory=list)  # the parts rendered, by name, in the order rendered
    parts: list[Path] = field(default_factory=list)  # the parts' PDFs joined, in order, then the numbers sheet
    seconds: dict[str, float] = field(default_factory=dict)


def code_digest() -> str:
    """The kit code that shapes a part's PDF besides its HTML (the render, its fetcher and tag fixes)."""
    kit = Path(__file__).resolve().parent.parent
    return files_digest(kit, sorted([*(kit / "documents").glob("*.py"), kit / "weasy.py", kit / "pdf_tags.py"]))


def _pdf_key(base: str, files: dict[str, str | None]) -> str:
    return digest(base, json.dumps(files, sort_keys=True))


def render_part(job: PartJob) -> dict[str, Any]:
    """Render one part into the cache (a worker's job): its PDF under its full key, and what it
    learnt under its key alone. Nothing is cached when the render failed."""
    cache = Path(job.cache_dir)
    tmp = cache / f".{job.base}.{os.getpid()}.pdf.tmp"
    layout = render_file(job.html, job.base_url, tmp, tuple(Path(r) for r in job.roots))
    result: dict[str, Any] = {"refused": layout.refused, "errors": layout.errors}
    if layout.refused is not None or layout.errors:
        tmp.unlink(missing_ok=True)
        return result
    files = Folders(job.roots).reads(Path(unquote(urlsplit(u).path)) for u in layout.fetched)
    tmp.replace(cache / f"{_pdf_key(job.base, files)}.pdf")
    seen = {"names": layout.page_names, "anchors": layout.anchors, "files": files}
    atomic_write(cache / f"{job.base}.json", json.dumps(seen, sort_keys=True).encode())
    return result


def _run(jobs: list[PartJob], executor: Executor | None) -> list[tuple[PartJob, dict[str, Any]]]:
    """Each job with its result, in the order they were started."""
    order = sorted(jobs, key=lambda j: -len(j.html))  # the longest first, so the pool does not end waiting on one
    if executor is None or len(order) < 2:
        return [(j, render_part(j)) for j in order]
    weasy.preload_fonts(order[0].html, order[0].base_url, order[0].roots)  # before the workers fork
    return list(zip(order, executor.map(render_part, order)))


class _Cache:
    def __init__(self, folder: Path, folders: Folders):
        self.folder = folder
        self.folders = folders
        self.used: set[str] = set()

    def seen(self, base: str) -> Seen | None:
        """What an earlier render of this part learnt, if the files it read are still the same and
        its PDF is still there."""
        path = self.folder / f"{base}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        seen = Seen(data["names"], data["anchors"], data["files"])
        pdf = self.pdf(base, seen)
        if not self.folders.unchanged(seen.files) or not pdf.is_file():
            return None
        self.used |= {path.name, pdf.name}
        return seen

    def pdf(self, base: str, seen: Seen) -> Path:
        return self.folder / f"{_pdf_key(base, seen.files)}.pdf"

    def prune(self) -> None:
        now = time.time()
        for p in self.folder.iterdir():
            if p.is_file() and p.name not in self.used and now - p.stat().st_mtime > KEEP_S:
                p.unlink(missing_ok=True)


def _starts(counts: list[int]) -> list[int]:
    starts, n = [], 1
    for c in counts:
        starts.append(n)
        n += c
    return starts


def _stylesheets(html: str) -> list[Path]:
    head = BeautifulSoup(html.split("</head>", 1)[0] + "</head>", "html.parser")
    return [Path(unquote(urlsplit(str(link["href"])).path)) for link in head.find_all("link", rel="stylesheet")
            if str(link["href"]).startswith("file:")]


class _Renders:
    """The parts of one guide build, each from the cache or rendered into it."""

    def __init__(self, project: Project, name: str, base_url: str, roots: tuple[Path, ...], cache_dir: Path,
                 executor: Executor | None, build: GuideBuild):
        self.project, self.name, self.base_url, self.executor, self.build = project, name, base_url, executor, build
        self.folders = Folders(roots)
        self.cache = _Cache(cache_dir, self.folders)
        self.roots = tuple(str(r) for r in roots)
        self.common = (CACHE_VERSION, repr(sorted(PDF_OPTIONS.items())), weasy.renderer_identity(), code_digest(),
                       self.folders.neutral(base_url))

    def key(self, part: Part) -> str:
        return digest(*self.common, self.folders.neutral(part.html))

    def get(self, parts: list[Part]) -> list[tuple[str, Seen]]:
        """Each part's key and what its render learnt, rendering (on the executor) those not cached."""
        keys = [self.key(p) for p in parts]
        found = [self.cache.seen(k) for k in keys]
        missing = [PartJob(p.name, p.html, self.base_url, self.roots, str(self.cache.folder), k)
                   for p, k, s in zip(parts, keys, found) if s is None]
        if missing:
            results = _run(missing, self.executor)
            refused = next((r["refused"] for _, r in results if r["refused"]), None)
            check_layout(self.project, self.name, refused, [e for _, r in results for e in r["errors"]])
            self.build.rendered += [j.name for j, _ in results]
            found = [s or self.cache.seen(k) for k, s in zip(keys, found)]
        out = [(k, s) for k, s in zip(keys, found) if s is not None]
        assert len(out) == len(keys), "a rendered part left nothing in the cache"
        return out


def _contents(book: Book, renders: _Renders, chapters: list[Seen]) -> tuple[str, Seen]:
    """The cover and contents with the page of each entry, laid out until its own page count agrees
    with the chapters' first pages it was numbered with (the first guess is right unless it grew)."""
    part_of = book.part_of()
    pages = CONTENTS_GUESS
    for _ in range(4):
        starts = _starts([pages, *(s.pages for s in chapters)])
        numbers = {a: starts[i] + chapters[i - 1].anchors[a] for a, i in part_of.items()
                   if i > 0 and a in chapters[i - 1].anchors}
        ((key, seen),) = renders.get([book.with_numbers(numbers)])
        if seen.pages == pages:
            return key, seen
        pages = seen.pages
    raise RuntimeError("the guide's contents never settled on a page count")


def build_guide(project: Project, html: str, base_url: str, out: Path, roots: Iterable[Path], *,
                cache_dir: Path, executor: Executor | None = None) -> GuideBuild:
    """Render the finished guide HTML into `out`, part by part through the cache in `cache_dir`."""
    clock = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    build = GuideBuild(0)
    renders = _Renders(project, out.name, base_url, (project.root, *roots), cache_dir, executor, build)
    book = split_book(html, _stylesheets(html))
    chapters = renders.get(book.parts[1:])
    build.seconds["chapters"] = time.perf_counter() - clock
    contents = _contents(book, renders, [s for _, s in chapters])
    names = [name for _, seen in (contents, *chapters) for name in seen.names]
    ((sheet_key, sheet),) = renders.get([book.numbers_sheet(names)])
    if sheet.names != names:
        raise RuntimeError(f"the guide's numbers sheet has {sheet.pages} pages, not the book's {len(names)}, "
                           "or not under the same page names")
    build.seconds["render"] = time.perf_counter() - clock
    pdfs = [renders.cache.pdf(k, s) for k, s in (contents, *chapters)]
    numbers = renders.cache.pdf(sheet_key, sheet)
    continues = [p.continues for p in book.parts]
    joined = cache_dir / f"{digest(*(p.name for p in (*pdfs, numbers)), repr(continues), pdf_join.identity())}.pdf"
    renders.cache.used.add(joined.name)
    if not joined.is_file():
        pdf_join.join(pdfs, joined, GOTO, numbers=numbers, continues=continues)
    atomic_write(out, joined.read_bytes())
    build.seconds["join"] = time.perf_counter() - clock - build.seconds["render"]
    build.pages = len(names)
    build.starts = _starts([s.pages for _, s in (contents, *chapters)])
    build.parts = [*pdfs, numbers]
    renders.cache.prune()
    return build
