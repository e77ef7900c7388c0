"""The whole guide rendered part by part (guide_parts.py: the cover and contents, then each chapter),
each part's PDF cached on disk, the parts joined into one PDF (pdf_join.py).

A part's PDF is kept under a key that hashes everything its render reads: its HTML, the files the
render fetched (stylesheets, fonts, images: recorded as it ran, checked again before each reuse),
the render options, the renderer's identity, this kit's code, and its place in the book (its first
page number and the guide's page count, which the footers print). A part's page count and the pages
of its anchors do not depend on that place (the print styles have no :left/:right pages), so they
are kept per part, without it: a build renders the parts it has not seen, learns their page counts,
works out every part's first page and the contents' page numbers, then renders again each part
whose place changed. The same inputs give the same bytes, from the cache or not.
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
from .guide_parts import CONTENTS, GOTO, Part, split_book
from .render import PDF_OPTIONS, check_layout, render_file

if TYPE_CHECKING:
    from ..model import Project

CACHE_VERSION = "2"
HINTS = "hints.json"  # each part's page count in the last build: a first guess at the parts' places
GUESS = 2  # pages, for a part never seen
KEEP_S = 86400  # entries no build used for this long are removed (concurrent builds share the cache)


@dataclass(frozen=True)
class PartJob:
    """One part to render at one place (picklable, for a worker process)."""
    name: str
    html: str
    base_url: str
    roots: tuple[str, ...]  # the folders it reads from, named by number in keys (kit/cachekeys.py)
    cache_dir: str
    base: str  # the part's key without its place
    start: int
    total: int
    layout_only: bool = False  # only learn its page count (its place was a blind guess)


@dataclass
class Seen:
    """What a part's render learnt: its pages, its anchors' pages, the files it read."""
    pages: int
    anchors: dict[str, int]
    files: dict[str, str | None]  # the files it read, by name, with their hashes (Folders.reads)


@dataclass
class GuideBuild:
    pages: int
    rendered: list[tuple[str, int, int]] = field(default_factory=list)  # (part, start, total) of each render
    seconds: dict[str, float] = field(default_factory=dict)


def code_digest() -> str:
    """The kit code that shapes a part's PDF besides its HTML (the render, its fetcher and tag fixes)."""
    kit = Path(__file__).resolve().parent.parent
    return files_digest(kit, sorted([*(kit / "documents").glob("*.py"), kit / "weasy.py", kit / "pdf_tags.py"]))


def _place_key(base: str, files: dict[str, str | None], start: int, total: int) -> str:
    return digest(base, json.dumps(files, sort_keys=True), str(start), str(total))


def render_part(job: PartJob) -> dict[str, Any]:
    """Render one part into the cache (a worker's job): its PDF under its full key, and what it
    learnt under its key without place. Nothing is cached when the render failed."""
    cache = Path(job.cache_dir)
    tmp = None if job.layout_only else cache / f".{job.base}.{os.getpid()}.pdf.tmp"
    layout = render_file(job.html, job.base_url, tmp, tuple(Path(r) for r in job.roots))
    result: dict[str, Any] = {"refused": layout.refused, "errors": layout.errors}
    if layout.refused is not None or layout.errors:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return result
    files = Folders(job.roots).reads(Path(unquote(urlsplit(u).path)) for u in layout.fetched)
    if tmp is not None:
        tmp.replace(cache / f"{_place_key(job.base, files, job.start, job.total)}.pdf")
    seen = {"pages": layout.pages, "anchors": layout.anchors, "files": files}
    atomic_write(cache / f"{job.base}.json", json.dumps(seen, sort_keys=True).encode())
    return result


def _run(jobs: list[PartJob], executor: Executor | None) -> list[dict[str, Any]]:
    order = sorted(jobs, key=lambda j: -len(j.html))  # the longest first, so the pool does not end waiting on one
    if executor is None or len(order) < 2:
        return [render_part(j) for j in order]
    weasy.preload_fonts(order[0].html, order[0].base_url, order[0].roots)  # before the workers fork
    return list(executor.map(render_part, order))


class _Cache:
    def __init__(self, folder: Path, folders: Folders):
        self.folder = folder
        self.folders = folders
        self.used: set[str] = set()

    def seen(self, base: str) -> Seen | None:
        """What an earlier render of this part learnt, if the files it read are still the same."""
        path = self.folder / f"{base}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not self.folders.unchanged(data["files"]):
            return None
        self.used.add(path.name)
        return Seen(data["pages"], data["anchors"], data["files"])

    def pdf(self, base: str, seen: Seen, start: int, total: int) -> Path:
        path = self.folder / f"{_place_key(base, seen.files, start, total)}.pdf"
        self.used.add(path.name)
        return path

    def prune(self) -> None:
        now = time.time()
        for p in self.folder.iterdir():
            if p.is_file() and p.name not in self.used and p.name != HINTS and now - p.stat().st_mtime > KEEP_S:
                p.unlink(missing_ok=True)


def _starts(counts: list[int]) -> tuple[list[int], int]:
    starts, n = [], 1
    for c in counts:
        starts.append(n)
        n += c
    return starts, n - 1


def _stylesheets(html: str) -> list[Path]:
    head = BeautifulSoup(html.split("</head>", 1)[0] + "</head>", "html.parser")
    return [Path(unquote(urlsplit(str(link["href"])).path)) for link in head.find_all("link", rel="stylesheet")
            if str(link["href"]).startswith("file:")]


def build_guide(project: Project, html: str, base_url: str, out: Path, roots: Iterable[Path], *,
                cache_dir: Path, executor: Executor | None = None) -> GuideBuild:
    """Render the finished guide HTML into `out`, part by part through the cache in `cache_dir`."""
    clock = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    roots = (project.root, *roots)
    folders = Folders(roots)
    cache = _Cache(cache_dir, folders)
    book = split_book(html, _stylesheets(html))
    common = (CACHE_VERSION, repr(sorted(PDF_OPTIONS.items())), weasy.renderer_identity(), code_digest(),
              folders.neutral(base_url))

    def base_key(part: Part) -> str:  # a part's key without its place
        return digest(*common, folders.neutral(part.html))

    root_names = tuple(str(r) for r in roots)
    build = GuideBuild(0)
    try:
        hints = json.loads((cache_dir / HINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        hints = {}

    def jobs_for(parts: list[tuple[Part, str, int, int]], layout_only: bool = False) -> None:
        jobs = [PartJob(p.name, book.positioned(p, start, total), base_url, root_names, str(cache_dir), base,
                        start, total, layout_only) for p, base, start, total in parts]
        results = _run(jobs, executor)
        refused = next((r["refused"] for r in results if r["refused"]), None)
        check_layout(project, out.name, refused, [e for r in results for e in r["errors"]])
        build.rendered += [(j.name, j.start, 0 if layout_only else j.total) for j in jobs]

    chapters = book.parts[1:]
    bases = [base_key(p) for p in chapters]
    seen: list[Seen | None] = [cache.seen(b) for b in bases]
    contents_pages = int(hints.get(CONTENTS, GUESS))

    def counts() -> list[int]:
        return [contents_pages, *(s.pages if s else int(hints.get(p.name, GUESS)) for p, s in zip(chapters, seen))]

    # 1. the chapters never seen, at a guess of their place (right when their page count is as last
    # time); with no guess at all (a new cache), only laid out, to learn their page counts
    starts, total = _starts(counts())
    unseen = [(p, b, starts[i + 1], total) for i, (p, b, s) in enumerate(zip(chapters, bases, seen)) if s is None]
    blind = not hints or not all(p.name in hints for p, *_ in unseen)
    jobs_for(unseen, layout_only=blind)
    seen = [s or cache.seen(b) for s, b in zip(seen, bases)]
    known = [s for s in seen if s is not None]
    assert len(known) == len(seen), "a rendered part left nothing in the cache"
    build.seconds["chapters"] = time.perf_counter() - clock
    # 2. the contents, until its page count agrees with the page numbers it prints (it always has so far)
    part_of = book.part_of()
    for attempt in range(4):
        starts, total = _starts(counts())
        numbers = {a: starts[i] + known[i - 1].anchors[a] for a, i in part_of.items() if i > 0 and a in known[i - 1].anchors}
        contents = book.with_numbers(numbers)
        contents_base = base_key(contents)
        contents_seen = cache.seen(contents_base)
        if contents_seen is None and attempt == 0 and CONTENTS not in hints:
            jobs_for([(contents, contents_base, 1, total)], layout_only=True)
            contents_seen = cache.seen(contents_base)
        if contents_seen is None or (contents_seen.pages == contents_pages
                                     and not cache.pdf(contents_base, contents_seen, 1, total).is_file()):
            jobs_for([(contents, contents_base, 1, total)])
            contents_seen = cache.seen(contents_base)
        assert contents_seen is not None
        if contents_seen.pages == contents_pages:
            break
        contents_pages = contents_seen.pages
    else:
        raise RuntimeError("the guide's contents never settled on a page count")
    # 3. every chapter whose place changed, at its place
    jobs_for([(p, b, starts[i + 1], total) for i, (p, b, s) in enumerate(zip(chapters, bases, known))
              if not cache.pdf(b, s, starts[i + 1], total).is_file()])
    build.seconds["render"] = time.perf_counter() - clock
    pdfs = [cache.pdf(contents_base, contents_seen, 1, total),
            *(cache.pdf(b, s, starts[i + 1], total) for i, (b, s) in enumerate(zip(bases, known)))]
    joined = cache_dir / f"{digest(*(p.name for p in pdfs), pdf_join.identity())}.pdf"
    cache.used.add(joined.name)
    if not joined.is_file():
        pdf_join.join(pdfs, joined, GOTO)
    atomic_write(out, joined.read_bytes())
    build.seconds["join"] = time.perf_counter() - clock - build.seconds["render"]
    build.pages = total
    atomic_write(cache_dir / HINTS, json.dumps({CONTENTS: contents_pages, **{p.name: s.pages for p, s in zip(chapters, known)}},
                                               sort_keys=True).encode())
    cache.prune()
    return build
