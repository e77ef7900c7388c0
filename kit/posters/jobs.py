"""Poster jobs and their cache: one job per poster and paper size, keyed by a hash of its HTML and of
everything else it depends on (CSS, icons, fonts, logo, this package's code, the libraries and the
renderer's identity), rendered in parallel worker processes into a cache folder, copied out from there."""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .. import weasy
from ..errors import ContentError, Problem
from ..outputs import POSTER_MANIFEST, TOKENS
from ..repro import atomic_write
from .fit import Overflow, fit_and_render
from .html import placeless, poster_html
from .manifest import write_manifest
from .pool import run_jobs
from .printshop import make_print_jobs, render_print
from .sizes import SIZES, size_range
from .spec import PosterSpec, footer_line, poster_specs

if TYPE_CHECKING:
    from ..model import Project

CACHE_VERSION = "2"  # 2: the fit's slack is kept too (the print-shop posters reuse the fit)
THUMB_WIDTH = 320  # pixels: shown at 160 CSS px on the Posters page, sharp on high-density screens


@dataclass(frozen=True)
class Job:
    """Everything a worker process needs to render one poster at one size (picklable)."""
    slug: str
    size: str
    title: str
    source_file: str
    html: str
    base_url: str
    start_pt: float
    floor_pt: float
    max_pt: float
    words: int
    chars: int
    key: str
    cache_dir: str
    thumbnail: bool
    roots: tuple[str, ...]  # the only folders the render may read files from


@dataclass
class PosterResult:
    slug: str
    size: str
    title: str
    pdf: Path
    png: Path | None
    bytes: int
    png_bytes: int
    body_pt: float  # the fitted body text size
    fill: float  # share of the page height the content needs at that size (before spacing is added)
    layouts: int  # WeasyPrint layouts done (0 when cached)
    seconds: float  # time to produce it (0 when cached)
    cached: bool
    warnings: list[str] = field(default_factory=list)


def thumbnail_png(pdf: bytes, width: int = THUMB_WIDTH) -> bytes:
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        from PIL import Image

        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
        # 128 colours are plenty for a thumbnail of flat colours and text, at a quarter of the size
        image = image.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        doc.close()


def _run_job(job: Job) -> dict[str, Any]:
    """Worker: render one poster into the cache (atomically). Returns a plain dict."""
    import logging

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    logger.propagate = False
    start = time.perf_counter()
    try:
        pdf, body_pt, fill, layouts, slack = fit_and_render(job)
    except Overflow as e:
        return {"overflow": e.overflow_share, "fixed": e.fixed_share}
    except BaseException as e:  # WeasyPrint's fatal fetch errors are BaseExceptions
        if (url := weasy.refused_url(e)) is None:
            raise
        return {"refused": weasy.REFUSED.format(url=url)}
    finally:
        logger.removeHandler(handler)
    cache = Path(job.cache_dir)
    atomic_write(cache / f"{job.key}.pdf", pdf)
    if job.thumbnail:
        atomic_write(cache / f"{job.key}.png", thumbnail_png(pdf))
    info = {"body_pt": body_pt, "slack": slack, "fill": fill, "layouts": layouts, "warnings": records}
    info["seconds"] = time.perf_counter() - start
    atomic_write(cache / f"{job.key}.json", json.dumps({k: info[k] for k in ("body_pt", "slack", "fill", "warnings")}).encode())
    return info


def _tree_digest(paths: Iterable[Path], root: Path) -> str:
    """Hash of the files' names (relative, so a moved checkout keeps its cache) and contents."""
    h = hashlib.sha256()
    root = root.resolve()
    for p in sorted(paths):
        path = p.resolve()
        # The renderer's own code may live outside a copied project (tests build copies): its name will do.
        h.update((path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _inputs_digest(project: Project) -> str:
    """Everything a poster depends on besides its HTML: CSS, icons, fonts, logo, this code, the libraries."""
    from importlib.metadata import version

    root = project.root
    files = [p for p in (root / "posters").rglob("*") if p.is_file() and p.suffix in (".css", ".svg", ".png", ".html")]
    files += sorted((root / "docs" / "assets" / "fonts").glob("*.woff2")) + [root / "docs" / "assets" / "fonts" / "fonts.css"]
    files += [root / TOKENS, root / "docs" / project.board.logo, *Path(__file__).parent.glob("*.py")]
    libs = ",".join(f"{n}={version(n)}" for n in ("weasyprint", "pydyf", "pypdfium2", "segno", "pillow"))
    renderer = weasy.renderer_identity()
    return hashlib.sha256(f"{CACHE_VERSION}|{libs}|{renderer}|{_tree_digest(files, root)}".encode()).hexdigest()


def default_cache_dir(project: Project) -> Path:
    return project.root / POSTER_MANIFEST.parent


def make_jobs(project: Project, specs: list[PosterSpec], sizes: Iterable[str], cache_dir: Path) -> list[Job]:
    poster_dir = project.root / "posters"
    inputs = _inputs_digest(project)
    footer = footer_line(project)
    jobs = []
    for spec in specs:
        for size in sizes:
            html = poster_html(project, spec, size, footer=footer)
            start, floor, top = size_range(poster_dir, size)
            thumb = size == "a4"
            key = hashlib.sha256(f"{inputs}|{size}|{thumb}|{placeless(html, project.root)}".encode()).hexdigest()[:32]
            jobs.append(Job(spec.slug, size, spec.title, spec.source_file, html, poster_dir.as_uri() + "/",
                            start, floor, top, spec.words(), spec.chars(), key, str(cache_dir), thumb,
                            (str(project.root),)))
    return jobs


def overflow_problem(job: Job, overflow: float, fixed: float) -> Problem:
    label = SIZES[job.size].label
    text_share = max(1e-6, 1 - fixed + overflow)  # the text's share of the page at the floor
    cut = overflow / text_share
    words = max(5, -(-round(job.words * cut) // 5) * 5)
    return Problem(job.source_file, f"{label} poster",
                   f"the '{job.title}' poster does not fit on one {label} page even with the body text at its "
                   f"smallest size ({job.floor_pt:g} pt): the text is about {cut:.0%} too long for {label}. "
                   f"Cut about {words} words (of {job.words}) from this page's poster text and build again.")


def render_all(project: Project, out_dir: Path, only: Iterable[str] | None = None,
               sizes: Iterable[str] = ("a4", "a3"), workers: int | None = None,
               cache_dir: Path | None = None, use_cache: bool = True, print_shop: bool = True) -> list[PosterResult]:
    """Render every poster (or those whose slug is in `only`) at each size into `out_dir`:
    <slug>-a4.pdf, <slug>-a3.pdf and <slug>.png (from the A4), and with `print_shop` the print-shop
    versions into `out_dir`/print/ (kit.posters.printshop). Unchanged posters come from the
    cache (keyed by a hash of everything they depend on); the rest render in parallel.
    Raises ContentError listing every poster that does not fit."""
    specs = poster_specs(project)
    known = [s.slug for s in specs]
    if only is not None:
        only = list(only)
        unknown = [s for s in only if s not in known]
        if unknown:
            raise ValueError(f"no poster called {', '.join(unknown)}; the posters are: {', '.join(known)}")
        specs = [s for s in specs if s.slug in only]
    sizes = list(sizes)
    for s in sizes:
        if s not in SIZES:
            raise ValueError(f"unknown paper size {s!r}; use one of: {', '.join(SIZES)}")
    cache = Path(cache_dir) if cache_dir else default_cache_dir(project)
    cache.mkdir(parents=True, exist_ok=True)
    jobs = make_jobs(project, specs, sizes, cache)
    todo = [j for j in jobs if not (use_cache and (cache / f"{j.key}.pdf").is_file() and (cache / f"{j.key}.json").is_file()
                                    and (not j.thumbnail or (cache / f"{j.key}.png").is_file()))]
    infos = run_jobs(_run_job, todo, workers)
    problems = [overflow_problem(j, i["overflow"], i["fixed"]) for j in jobs if "overflow" in (i := infos.get(j.key, {}))]
    problems += [Problem(j.source_file, f"{SIZES[j.size].label} poster", i["refused"])
                 for j in jobs if "refused" in (i := infos.get(j.key, {}))]
    if problems:
        raise ContentError(problems)
    prints = make_print_jobs(project, jobs) if print_shop else []
    print_results = render_print(prints, jobs, Path(out_dir), workers, use_cache)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for j in jobs:
        info = infos.get(j.key)
        meta = json.loads((cache / f"{j.key}.json").read_text())
        pdf = out_dir / f"{j.slug}-{j.size}.pdf"
        shutil.copyfile(cache / f"{j.key}.pdf", pdf)
        png = None
        if j.thumbnail:
            png = out_dir / f"{j.slug}.png"
            shutil.copyfile(cache / f"{j.key}.png", png)
        results.append(PosterResult(
            j.slug, j.size, j.title, pdf, png, pdf.stat().st_size, png.stat().st_size if png else 0,
            meta["body_pt"], meta["fill"], info["layouts"] if info else 0, info["seconds"] if info else 0.0,
            cached=info is None, warnings=list(meta["warnings"])))
    if only is None and set(sizes) == set(SIZES):
        _prune(cache, {j.key for j in jobs} | {j.key for j in prints})
    write_manifest(project, [*results, *print_results])
    return results


def _prune(cache: Path, keep: set[str], older_than_s: float = 86400) -> None:
    """Drop cached posters no build has used for a day (not at once: a concurrent build, such as a test
    run, may be using other entries right now)."""
    now = time.time()
    for p in cache.iterdir():
        if (p.is_file() and p.suffix in (".pdf", ".png", ".json", ".tmp") and p.stem not in keep and p.name != POSTER_MANIFEST.name
                and now - p.stat().st_mtime > older_than_s):
            p.unlink(missing_ok=True)
