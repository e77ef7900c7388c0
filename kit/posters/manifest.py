"""The poster manifest (kit.outputs.POSTER_MANIFEST): each poster's title and file sizes and the zip's
size, written by the poster build and read by the Posters page (kit.site.gallery), so the site needs
none of the poster code."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..outputs import POSTER_MANIFEST
from ..repro import atomic_write
from .spec import poster_specs

if TYPE_CHECKING:
    from ..model import Project


def _read(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The manifest, and its posters by slug."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        manifest = {}
    return manifest, {p["slug"]: p for p in manifest.get("posters", []) if isinstance(p, dict) and "slug" in p}


def _write(project: Project, manifest: dict[str, Any], posters: dict[str, dict[str, Any]]) -> None:
    """The posters in the order of the Posters page (those the content still has)."""
    manifest["posters"] = [posters[s.slug] for s in poster_specs(project) if s.slug in posters]
    atomic_write(project.root / POSTER_MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())


def write_plan(project: Project) -> None:
    """Before the site is built (while the posters render): the list of posters, with their titles,
    in the order of the Posters page; the sizes the page shows are filled in later (kit.sizes)."""
    manifest, posters = _read(project.root / POSTER_MANIFEST)
    for s in poster_specs(project):
        posters[s.slug] = {**posters.get(s.slug, {}), "slug": s.slug, "title": s.title}
    _write(project, manifest, posters)


def write_manifest(project: Project, results: Iterable[Any], zip_bytes: int | None = None,
                   print_zip_bytes: int | None = None) -> None:
    """Record titles and file sizes of `results` (PosterResults; print-shop ones as print-a4, print-a3),
    keeping what earlier builds recorded of other posters."""
    manifest, posters = _read(project.root / POSTER_MANIFEST)
    for r in results:
        entry = posters.setdefault(r.slug, {"slug": r.slug})
        entry["title"] = r.title
        entry[r.size] = r.bytes
        if r.png:
            entry["png"] = r.png_bytes
    if zip_bytes is not None:
        manifest["zip"] = zip_bytes
    if print_zip_bytes is not None:
        manifest["print_zip"] = print_zip_bytes
    _write(project, manifest, posters)
