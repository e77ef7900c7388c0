"""Print-shop versions of the posters: PDF/X-4 with a CMYK output intent (Debian Ghostscript's
default_cmyk.icc, package libgs-common), the trim at the paper size, a 3.5 mm BleedBox with the
masthead and footer line running into it, and crop marks outside the bleed.

Each is the screen poster's own HTML with the print sheet (posters/print.css) and the CMYK colours
added, rendered at the screen poster's fitted body size and spacing (read from its cache entry), so it
says the same words in the same places. The colours come from ONE mapping: every design token of
posters/poster.css and the board's colour (extra.board) through `cmyk()`.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import weasy
from ..cachekeys import Folders, cached_entry, digest, file_hash
from ..colour import CSS_VARIABLE, css_colours, rgb
from ..errors import ContentError, Problem
from ..outputs import POSTERS_PRINT as PRINT_DIR
from ..outputs import TOKENS
from ..repro import atomic_write
from .fit import render_fitted
from .pool import run_jobs

if TYPE_CHECKING:
    from ..model import Project

CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian package libgs-common
PRINT_OPTIONS = {"pdf_variant": "pdf/x-4"}


def cmyk(hex_colour: str) -> tuple[float, float, float, float]:
    """The CMYK of an sRGB colour (the plain device conversion, to two decimals): black stays K only
    for greys, and converting back (`rgb_of`) gives the colour within rounding."""
    r, g, b = (c / 255 for c in rgb(hex_colour))
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    return tuple(round(x, 2) for x in ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k))  # type: ignore[return-value]


def rgb_of(c: float, m: float, y: float, k: float) -> tuple[int, int, int]:
    """The sRGB colour a CMYK of `cmyk()` stands for (for checking the mapping)."""
    return tuple(round(255 * (1 - x) * (1 - k)) for x in (c, m, y))  # type: ignore[return-value]


def device_cmyk(hex_colour: str) -> str:
    return f"device-cmyk({' '.join(f'{x:g}' for x in cmyk(hex_colour))})"


def cmyk_svg(text: str) -> str:
    """An SVG (a file, or the QR code inline) with each #hex colour as device-cmyk()."""
    return re.sub(r'((?:fill|stroke|stop-color|color)\s*[=:]\s*"?)(#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3}))\b',
                  lambda m: m.group(1) + device_cmyk(m.group(2)), text)


def cmyk_fetcher(roots: tuple[str, ...], served: list[Path] | None = None) -> Any:
    """kit.weasy's local fetcher, serving the SVG files (logo, icons) with their colours in CMYK."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    local = weasy.local_fetcher(map(Path, roots), served)

    class CmykFetcher(URLFetcher):
        served = local.served  # what it read, as kit.weasy's fetcher records it (fonts included)
        roots = local.roots

        def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN202
            response = local.fetch(url, headers)
            if not url.lower().split("?")[0].endswith(".svg"):
                return response
            try:
                body = response.read()
            finally:
                response.close()
            return URLFetcherResponse(url, cmyk_svg(body.decode("utf-8")).encode("utf-8"),
                                      {"Content-Type": "image/svg+xml"})

    return CmykFetcher()


def colour_tokens(project: Project) -> dict[str, str]:
    """The colour pairs of posters/poster.css (name -> #hex), each followed to the kit's palette
    (tokens.css) and the board's colour."""
    poster_css = (project.root / "posters" / "poster.css").read_text(encoding="utf-8")
    colours = css_colours((project.root / TOKENS).read_text(encoding="utf-8"), poster_css,
                          f"--sg-board: {project.board.colour};")
    return {name: colours[name] for name in dict(CSS_VARIABLE.findall(poster_css)) if name in colours}


def print_css(project: Project) -> str:
    """The print sheet, then every colour token as device-cmyk()."""
    sheet = (project.root / "posters" / "print.css").read_text(encoding="utf-8")
    values = " ".join(f"--{name}: {device_cmyk(value)};" for name, value in colour_tokens(project).items())
    return f"{sheet}\n:root {{ {values} }}"


@dataclass(frozen=True)
class PrintJob:
    """One print-shop poster (picklable): the screen job it follows and its own HTML and key."""
    slug: str
    size: str
    html: str  # the screen poster's HTML with the print sheet, and /*FIT*/ for the screen poster's fit
    base_url: str
    roots: tuple[str, ...]
    key: str
    screen_key: str
    cache_dir: str


def make_print_jobs(project: Project, jobs: list[Any]) -> list[PrintJob]:
    """The print-shop job of each screen job (kit.posters.jobs.Job)."""
    if not CMYK_PROFILE.is_file():
        raise ContentError([Problem("scripts/system_deps.sh", "", f"the print-shop posters need the CMYK profile "
                                    f"{CMYK_PROFILE}, from the Debian package libgs-common: run "
                                    "bash scripts/system_deps.sh (as root) and build again")])
    css = print_css(project)
    profile = file_hash(CMYK_PROFILE) or "missing"
    folders = Folders((project.root,))
    out = []
    for j in jobs:
        html = cmyk_svg(j.html.replace("/*FIT*/", "/*FIT*/\n" + css))  # the QR code's colours too
        key = digest("print", j.key, profile, folders.neutral(html))[:32]
        out.append(PrintJob(j.slug, j.size, html, j.base_url, j.roots + (str(CMYK_PROFILE),), key, j.key, j.cache_dir))
    return out


FILE_ID = re.compile(rb"/ID \[\([0-9a-f]{32}\) \([0-9a-f]{32}\)\]")
XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def fixed_document_id(pdf: bytes) -> bytes:
    """WeasyPrint writes a random XMP DocumentID and file /ID into a PDF/X file: both made from the
    file's own content instead, so that two builds of the same sources give the same bytes (each
    replaced by one of the same length, so no offset in the file moves)."""
    bare = FILE_ID.sub(b"", XMP_DOCUMENT_ID.sub(b"xmp.did:", pdf))
    content = hashlib.sha256(bare).hexdigest()
    pdf = XMP_DOCUMENT_ID.sub(f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'sg-poster:' + content)}".encode(), pdf)
    return FILE_ID.sub(f"/ID [({content[:32]}) ({content[:32]})]".encode(), pdf)


def run_print_job(job: PrintJob) -> dict[str, Any]:
    """Worker: render one print-shop poster into the cache at its screen poster's fit."""
    cache = Path(job.cache_dir)
    fit = json.loads((cache / f"{job.screen_key}.json").read_text())
    served: list[Path] = []
    try:
        doc = render_fitted(job.html, job.base_url, cmyk_fetcher(job.roots, served), fit["body_pt"], fit["slack"], PRINT_OPTIONS)
    except BaseException as e:  # WeasyPrint's fatal fetch errors are BaseExceptions
        if (url := weasy.refused_url(e)) is None:
            raise
        return {"refused": weasy.REFUSED.format(url=url)}
    atomic_write(cache / f"{job.key}.pdf", fixed_document_id(doc.write_pdf(**PRINT_OPTIONS)))
    atomic_write(cache / f"{job.key}.json", json.dumps({"pages": len(doc.pages), "reads": Folders(job.roots).reads(served)}).encode())
    return {"pages": len(doc.pages)}


@dataclass
class PrintResult:
    slug: str
    size: str  # "print-a4", "print-a3": the manifest's key for it
    title: str
    pdf: Path
    bytes: int
    png: None = None
    png_bytes: int = 0


def render_print(prints: list[PrintJob], jobs: list[Any], out_dir: Path, workers: int | None,
                 use_cache: bool) -> list[PrintResult]:
    """Render the print-shop posters not in the cache, then copy each to `out_dir`/print/<slug>-<size>.pdf.
    Raises ContentError when one would not be one page (it must lay out as its screen poster does)."""
    if not prints:
        return []
    cache = Path(prints[0].cache_dir)
    todo = [p for p in prints if not (use_cache and cached_entry(cache, p.key, p.roots, ".pdf"))]
    infos = run_jobs(run_print_job, todo, workers)
    screen = {j.key: j for j in jobs}
    problems = [Problem(screen[p.screen_key].source_file, f"{p.size.upper()} print-shop poster", i["refused"])
                for p in prints if "refused" in (i := infos.get(p.key, {}))]
    problems += [Problem(screen[p.screen_key].source_file, f"{p.size.upper()} print-shop poster",
                         f"runs onto {meta['pages']} pages (the screen poster fits on one): report this to the kit's maintainers")
                 for p in prints if "refused" not in infos.get(p.key, {})
                 and (meta := json.loads((cache / f"{p.key}.json").read_text()))["pages"] != 1]
    if problems:
        raise ContentError(problems)
    folder = out_dir / PRINT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for p in prints:
        pdf = folder / f"{p.slug}-{p.size}.pdf"
        shutil.copyfile(cache / f"{p.key}.pdf", pdf)
        results.append(PrintResult(p.slug, f"print-{p.size}", screen[p.screen_key].title, pdf, pdf.stat().st_size))
    return results
