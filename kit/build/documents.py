"""The build step that writes the printable documents into the site's downloads folder, at stable
addresses (kit/outputs.py): the guide PDF, the model policy as DOCX and PDF, the declaration form,
the checklist."""
from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..documents.guide import guide_pdf
from ..documents.guide_pages import GuideBookFailed
from ..documents.cache import cached_bytes, docx_key
from ..documents.policy_docx import policy_docx_bytes
from ..documents.policy_pdf import checklist_pdf, form_pdf, policy_pdf
from ..documents.render import Rendered, RenderError
from ..model import Project
from ..outputs import DOCUMENTS as NAMES
from ..outputs import GUIDE
from .engines import BuildFailed, build_site


class DocumentsFailed(Exception):
    """A document could not be made; the message says which and why."""


def build_site_for_guide(project: Project, site_dir: Path) -> None:
    """Build the site into `site_dir`, for the pages the guide is made from."""
    try:
        build_site(project.root, site_dir)
    except BuildFailed:
        raise DocumentsFailed("the site did not build (see the messages above), so the guide could not be made from it") from None


def chapter_workers() -> ProcessPoolExecutor:
    """Worker processes for the guide's chapters (forked: they start with the loaded kit; started
    only when more than one chapter is to be rendered)."""
    return ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1)),
                               mp_context=multiprocessing.get_context("fork"))


def build_documents(project: Project, downloads_dir: Path, *, only: list[str] | None = None,
                    verbose: bool = False) -> dict[str, Path]:
    """Write the documents into `downloads_dir` (normally site/downloads). The guide is made from
    the built site around it; if there is none, the site is built into a temporary folder to make
    it. Returns name -> path."""
    downloads_dir = Path(downloads_dir)
    wanted = only or list(NAMES)
    unknown = sorted(set(wanted) - set(NAMES))
    if unknown:
        raise DocumentsFailed(f"unknown document(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    made: dict[str, Path] = {}
    timings: list[tuple[str, float, str]] = []

    def step(key: str, action: Callable[[Path], object]) -> None:
        if key not in wanted:
            return
        out = downloads_dir / NAMES[key]
        start = time.perf_counter()
        try:
            result = action(out)
        except RenderError as e:
            raise DocumentsFailed(f"{NAMES[key]}: WeasyPrint reported errors: {e}") from None
        pages = f", {result.pages} pages" if isinstance(result, Rendered) else ""
        if result is True or getattr(result, "cached", False):
            pages += " (unchanged: from the cache)"
        timings.append((NAMES[key], time.perf_counter() - start, pages))
        made[key] = out

    def guide(out: Path) -> Rendered:
        site_dir = downloads_dir.parent
        # the chapters to render (all of them in a cold build) share the cores with the posters
        with chapter_workers() as workers:
            try:
                if (site_dir / "index.html").is_file():
                    return guide_pdf(project, site_dir, out, executor=workers)
                with tempfile.TemporaryDirectory(prefix="sg-guide-") as tmp:
                    start = time.perf_counter()
                    build_site_for_guide(project, Path(tmp) / "site")
                    if verbose:
                        print(f"  (built the site to make the guide from: {time.perf_counter() - start:.2f} s)")
                    return guide_pdf(project, Path(tmp) / "site", out, executor=workers)
            except GuideBookFailed as e:
                raise DocumentsFailed(f"{GUIDE}: {e}") from None

    step("guide", guide)
    step("policy-docx", lambda out: cached_bytes(project, out, docx_key(project), lambda: policy_docx_bytes(project)))
    step("policy-pdf", lambda out: policy_pdf(project, out))
    step("form", lambda out: form_pdf(project, out))
    step("checklist", lambda out: checklist_pdf(project, out))
    if verbose:
        for name, seconds, pages in timings:
            size = (downloads_dir / name).stat().st_size
            print(f"  {name:<34} {seconds:6.2f} s  {size / 1024:8.1f} KB{pages}")
        print(f"  {'documents, in all':<34} {sum(t for _, t, _ in timings):6.2f} s")
    return made
