"""Build the printable documents into a downloads folder, at stable addresses:

    guide.pdf                        the whole guidance (cover, contents, tagged PDF/UA-1)
    model-social-media-policy.docx   the model policy for Word (headings, numbering, highlighted fill-ins)
    model-social-media-policy.pdf    the model policy with Appendix 1, A4
    employee-declaration-form.pdf    Appendix 1 as a fillable PDF form
    checklist.pdf                    the managers' checklist, A4

`make build` (scripts/build.py) calls build_documents() after building the site: the guide is
assembled from the built pages beside the downloads folder (kit/guide_book.py; no engine plugin).
Run on its own with no built site there, this script builds the site into a temporary folder first.

    python scripts/documents.py                       # into site/downloads
    python scripts/documents.py --out /tmp/docs -v    # elsewhere, with timings
    python scripts/documents.py --only policy-docx checklist
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit import ContentError, Project, load_project  # noqa: E402
from kit import documents_docx, documents_pdf, guide_book  # noqa: E402

GUIDE = "guide.pdf"
POLICY_DOCX = "model-social-media-policy.docx"
POLICY_PDF = "model-social-media-policy.pdf"
FORM_PDF = "employee-declaration-form.pdf"
CHECKLIST_PDF = "checklist.pdf"
NAMES = {"guide": GUIDE, "policy-docx": POLICY_DOCX, "policy-pdf": POLICY_PDF, "form": FORM_PDF, "checklist": CHECKLIST_PDF}


class DocumentsFailed(Exception):
    """A document could not be made; the message says which and why."""


def build_site_for_guide(project: Project, site_dir: Path) -> None:
    """Build the site into `site_dir`, for the pages the guide is made from."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # No --quiet: it drops MkDocs' warnings before --strict can count them.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(project.root / "mkdocs.yml"), "--site-dir", str(site_dir)]
    run = subprocess.run(cmd, cwd=project.root, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise DocumentsFailed("the site did not build, so the guide could not be made from it:\n" + (run.stderr or run.stdout)[-2000:])


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
        except documents_pdf.RenderError as e:
            raise DocumentsFailed(f"{NAMES[key]}: WeasyPrint reported errors: {e}") from None
        pages = f", {result.pages} pages" if isinstance(result, documents_pdf.Rendered) else ""
        timings.append((NAMES[key], time.perf_counter() - start, pages))
        made[key] = out

    def guide(out: Path) -> documents_pdf.Rendered:
        site_dir = downloads_dir.parent
        try:
            if (site_dir / "index.html").is_file():
                return documents_pdf.guide_pdf(project, site_dir, out)
            with tempfile.TemporaryDirectory(prefix="sg-guide-") as tmp:
                start = time.perf_counter()
                build_site_for_guide(project, Path(tmp) / "site")
                if verbose:
                    print(f"  (built the site to make the guide from: {time.perf_counter() - start:.2f} s)")
                return documents_pdf.guide_pdf(project, Path(tmp) / "site", out)
        except guide_book.GuideBookFailed as e:
            raise DocumentsFailed(f"{GUIDE}: {e}") from None

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--out", type=Path, default=None, help="downloads folder (default: ROOT/site/downloads)")
    parser.add_argument("--only", nargs="+", choices=list(NAMES), help="make only these documents")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each document's time, size and pages")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    from scripts.build import source_date_epoch  # late: build.py imports this module

    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(root))  # the same dates as `make build`
    try:
        project = load_project(root)
        out = (args.out or root / "site" / "downloads").resolve()
        made = build_documents(project, out, only=args.only, verbose=args.verbose)
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        return 1
    except DocumentsFailed as e:
        print(f"Documents failed: {e}", file=sys.stderr)
        return 1
    for path in made.values():
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
