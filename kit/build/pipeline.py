"""The build: check; then the posters (in a process of their own) beside the site's pages and the
documents; then the file sizes the pages show, the Content Security Policy and the offline copy. It
builds in a temporary folder next to site/ that replaces it only when every step has succeeded: a
failed build leaves the previous site/ untouched."""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from .. import posters as poster_kit
from .. import weasy
from ..checks import load_project
from ..dates import commit_epoch
from ..documents.render import warm_up
from ..model import Project
from ..model import reviews
from ..outputs import ZIP_CACHE
from ..repro import DeflateCache
from ..sizes import SizeMissing, fill_site_sizes
from .alongside import alongside
from .csp import protect_site
from .documents import DocumentsFailed, build_documents
from .engines import BuildFailed, site_building
from .extension import checked_sources, source_files
from .offline import folder_name, make_offline_zip
from .repair import repair_site


def print_review_warnings(project: Project) -> None:
    """Warn about every page past its next_review date and list those due within 30 days."""
    overdue, soon = reviews.overdue_and_due_soon(project)
    for row in overdue:
        print(f"WARNING: {row.file}: overdue for review since {row.next_review} "
              f"({row.days_overdue} days): review it and update last_reviewed and next_review", file=sys.stderr)
    if soon:
        print(f"Due for review within {reviews.DUE_SOON_DAYS} days:", file=sys.stderr)
        for row in soon:
            print(f"  - {row.file}: due {row.next_review} (in {row.days_left} days)", file=sys.stderr)


def build(root: Path, site: Path, engine: str = "mkdocs") -> Project:
    """Check the content, build every output into a temporary folder, then swap it in for `site`."""
    checked, files = checked_sources(root), source_files(root)  # before the check reads them (the engine's hand-over)
    project = load_project(root)  # raises ContentError listing every problem, before anything is written
    # Reproducible: every step (MkDocs' sitemap, PDF and zip dates) takes its dates from the last commit.
    os.environ.setdefault("SOURCE_DATE_EPOCH", commit_epoch(root))
    print_review_warnings(project)
    site.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=site.parent, prefix=f".{site.name}-building-") as tmp:
        new = Path(tmp) / "site"
        staging = Path(tmp) / "posters"
        poster_kit.write_plan(project)  # the list of posters, for the Posters page
        with ExitStack() as steps:
            # STEP: the site's pages, in the engine's process; meanwhile WeasyPrint is loaded and warmed
            # up here, so that the documents' first render and the posters' process forked next have it too
            with site_building(root, new, engine, checked=checked):
                weasy.renderer_identity()
                warm_up(project, new)  # the guide renders from the project and the new site
                # STEP: the posters (PDFs, thumbnails, zips), in a process of their own beside the next steps
                posters = steps.enter_context(alongside(poster_kit.build_posters, project, staging))
            if source_files(root) != files:  # the pages, the posters and the documents would not match
                raise BuildFailed("a file under docs/ or mkdocs.yml changed while the site was being built: build again")
            repair_site(new)  # two faults in the theme's markup (kit/build/repair.py)
            posters.raise_if_failed()
            try:  # guide PDF, model policy DOCX and PDF, declaration form, checklist (scripts/documents.py)
                build_documents(project, new / "downloads")
            except DocumentsFailed as e:
                raise BuildFailed(str(e)) from None
            posters.result()
        poster_kit.publish(staging, new / "downloads")
        # STEP: the sizes of the files the pages offer, now that they all exist (kit/sizes.py)
        try:
            fill_site_sizes(new)
        except SizeMissing as e:
            raise BuildFailed(str(e)) from None
        # STEP: a Content Security Policy in every page, hashing its inline scripts and styles (kit/csp.py)
        protect_site(new)  # before the zip, so that the offline copy carries it too
        # STEP: last, the offline copy (a zip of everything above)
        zips = DeflateCache(root / ZIP_CACHE)
        make_offline_zip(new, folder_name(project.board.short_name), zips)  # downloads/offline-site.zip (scripts/offline_zip.py)
        zips.prune()
        old = Path(tmp) / "previous"
        if site.exists():
            site.rename(old)
        new.rename(site)
    return project

