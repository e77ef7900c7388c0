"""The poster build steps: render every poster and zip them (kit.repro) before the site is built,
copy them into the site's downloads/ after; and a layout's example, for working on a layout."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import repro
from ..dates import build_time
from ..errors import ContentError
from ..outputs import POSTERS, POSTERS_PRINT, POSTERS_PRINT_ZIP, POSTERS_ZIP, ZIP_CACHE
from .fit import Overflow, fit_and_render
from .jobs import PosterResult, make_jobs, overflow_problem, render_all
from .manifest import write_manifest
from .spec import example_spec, poster_specs

if TYPE_CHECKING:
    from ..model import Project

MAX_BYTES = 200 * 1024  # a poster PDF over this is reported by scripts/posters.py


def zip_time(project: Project) -> dt.datetime:
    """The time stamp of every zip entry: the build's time, else the latest review date."""
    dates = [s.last_reviewed for s in poster_specs(project) if s.last_reviewed]
    return build_time(max(dates) if dates else None)


def write_zip(poster_dir: Path, zip_path: Path, when: dt.datetime | tuple[int, ...], folder: str = POSTERS,
              cache: repro.DeflateCache | None = None) -> Path:
    """A reproducible zip (kit.repro) of every poster PDF in `poster_dir`, as `folder`/<name>.pdf.
    `when` is a time or a zip entry's (year, month, day, hour, minute, second)."""
    if isinstance(when, tuple):
        when = dt.datetime(*when, tzinfo=dt.timezone.utc)
    entries = [(f"{folder}/{pdf.name}", pdf.read_bytes()) for pdf in sorted(poster_dir.glob("*.pdf"))]
    return repro.write_zip(zip_path, entries, when, cache)


def build_posters(project: Project, staging: Path) -> list[PosterResult]:
    """The build step before the site: every poster into `staging/posters/` (the print-shop versions in
    its print/), the two zips beside it, and the manifest the Posters page reads."""
    out = Path(staging) / POSTERS
    results = render_all(project, out)
    zips = repro.DeflateCache(project.root / ZIP_CACHE)
    z = write_zip(out, Path(staging) / POSTERS_ZIP, zip_time(project), cache=zips)
    zp = write_zip(out / POSTERS_PRINT, Path(staging) / POSTERS_PRINT_ZIP, zip_time(project), "posters-print", zips)
    write_manifest(project, [], zip_bytes=z.stat().st_size, print_zip_bytes=zp.stat().st_size)
    return results


def publish(staging: Path, downloads: Path) -> None:
    """The build step after the site: copy the posters and the zips into the site's downloads/."""
    downloads.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(staging) / POSTERS, downloads / POSTERS, dirs_exist_ok=True)
    for name in (POSTERS_ZIP, POSTERS_PRINT_ZIP):
        shutil.copyfile(Path(staging) / name, downloads / name)


def render_example(project: Project, layout: str, size: str, out_dir: Path) -> Path:
    """Render a layout's example at one size (no cache): for working on a layout's template and CSS."""
    spec = example_spec(project, layout)
    job = make_jobs(project, [spec], [size], Path(out_dir))[0]
    try:
        pdf, _pt, _fill, _n, _slack = fit_and_render(job)
    except Overflow as e:
        raise ContentError([overflow_problem(job, e.overflow_share, e.fixed_share)]) from None
    out = Path(out_dir) / f"{spec.slug}-{size}.pdf"
    repro.atomic_write(out, pdf)
    return out


def result_rows(results: list[PosterResult]) -> list[dict[str, Any]]:
    return [{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(r).items()} for r in results]
