"""The build step that writes the printable documents into the site's downloads folder, at stable
addresses (kit/outputs.py): the guide PDF, the model policy as DOCX and PDF, the declaration form,
the checklist."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .. import documents_docx, documents_pdf
from ..model import Project
from ..outputs import DOCUMENTS as NAMES


PLUGIN = "to-pdf"


class DocumentsFailed(Exception):
    """A document could not be made; the message says which and why."""


def plugin_html_path(project: Project) -> str:
    """Where the plugin writes the combined guide HTML, relative to the site folder (its html_path)."""
    for plugin in project.config.raw.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get(PLUGIN), dict) and plugin[PLUGIN].get("html_path"):
            return str(plugin[PLUGIN]["html_path"])
    raise DocumentsFailed(f"mkdocs.yml has no '{PLUGIN}' plugin with an html_path: the guide PDF is made from it")


def gather_guide(project: Project, site_dir: Path) -> Path:
    """Build the site with the PDF plugin on (GUIDE_PDF=1), for the combined HTML of the guide."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GUIDE_PDF": "1"}
    # No --quiet: it drops MkDocs' warnings before --strict can count them.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(project.root / "mkdocs.yml"), "--site-dir", str(site_dir)]
    run = subprocess.run(cmd, cwd=project.root, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise DocumentsFailed("the site did not build, so the guide could not be gathered:\n" + (run.stderr or run.stdout)[-2000:])
    return site_dir / plugin_html_path(project)


def build_documents(project: Project, downloads_dir: Path, *, only: list[str] | None = None,
                    verbose: bool = False) -> dict[str, Path]:
    """Write the documents into `downloads_dir` (normally site/downloads). The guide is rendered
    from the HTML the plugin wrote into the site beside it (then removed from the site); if there
    is none, the site is built into a temporary folder to make it. Returns name -> path."""
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
        except documents_pdf.RenderError as e:
            raise DocumentsFailed(f"{NAMES[key]}: WeasyPrint reported errors: {e}") from None
        pages = f", {result.pages} pages" if isinstance(result, documents_pdf.Rendered) else ""
        timings.append((NAMES[key], time.perf_counter() - start, pages))
        made[key] = out

    def guide(out: Path) -> documents_pdf.Rendered:
        site_dir = downloads_dir.parent
        combined = site_dir / plugin_html_path(project)
        if combined.is_file():
            try:
                return documents_pdf.guide_pdf(project, combined, site_dir, out)
            finally:
                combined.unlink()  # a working file, not for publishing
        with tempfile.TemporaryDirectory(prefix="sg-guide-") as tmp:
            start = time.perf_counter()
            combined = gather_guide(project, Path(tmp) / "site")
            if verbose:
                print(f"  (built the site to gather the guide: {time.perf_counter() - start:.2f} s)")
            return documents_pdf.guide_pdf(project, combined, Path(tmp) / "site", out)

    step("guide", guide)
    step("policy-docx", lambda out: documents_docx.write_policy_docx(project, out))
    step("policy-pdf", lambda out: documents_pdf.policy_pdf(project, out))
    step("form", lambda out: documents_pdf.form_pdf(project, out))
    step("checklist", lambda out: documents_pdf.checklist_pdf(project, out))
    if verbose:
        for name, seconds, pages in timings:
            size = (downloads_dir / name).stat().st_size
            print(f"  {name:<34} {seconds:6.2f} s  {size / 1024:8.1f} KB{pages}")
        print(f"  {'documents, in all':<34} {sum(t for _, t, _ in timings):6.2f} s")
    return made

