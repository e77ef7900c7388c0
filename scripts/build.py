"""Build everything into site/: the MkDocs site, then the posters and documents beside it.

The build happens in a temporary folder next to site/, which replaces site/ only when every
step has succeeded: a failed build leaves the previous site/ untouched.

    python scripts/build.py            # build into site/
    python scripts/build.py --check    # only check the content and config, listing every problem
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit import ContentError, Project, load_project, reviews  # noqa: E402
from kit import posters as poster_kit  # noqa: E402
from kit.csp import protect_site  # noqa: E402
from scripts.documents import DocumentsFailed, build_documents  # noqa: E402
from scripts.offline_zip import folder_name, make_offline_zip  # noqa: E402


class BuildFailed(Exception):
    """A step failed; its own output has already said why."""


def editor_messages(output: str, root: Path | None = None) -> list[str]:
    """The warnings and errors of a MkDocs run in the editor's terms: file paths from the project
    root, no INFO chatter, and a Python traceback cut down to its last line (and the project file
    it happened in, such as a template under overrides/)."""
    out: list[str] = []
    in_traceback = False
    where = ""
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_traceback, where = True, ""
            continue
        if in_traceback:
            frame = re.match(r'^\s+File "([^"]+)", line (\d+)', line)
            if frame and root is not None and "site-packages" not in frame.group(1):
                try:
                    where = f"{Path(frame.group(1)).resolve().relative_to(root.resolve()).as_posix()}: line {frame.group(2)}: "
                except ValueError:
                    pass
            if line[:1] in (" ", "\t", "") or line.startswith(("During handling", "The above exception")):
                continue
            in_traceback = False
            error = line.strip().rpartition(": ")[2]
            if not any(error in seen for seen in out):  # not already said by MkDocs' own ERROR line
                out.append(f"{where}unexpected error in a build step: {line.strip()} (run with SG_DEBUG=1 for the details)")
            continue
        m = re.match(r"^(WARNING|ERROR)\s*-\s*(.*)$", line) or re.match(r"^(Error|Aborted)\b:?\s*(.*)$", line)
        if m:
            text = re.sub(r"\b(?:Doc file|Error reading page) '([^']+)'", r"docs/\1", m.group(2).strip())
            text = re.sub(r"^Config value '([^']+)'", r"mkdocs.yml: field \1", text)
            out.append(text if m.group(1) != "Aborted" else f"Aborted {text}")
        elif out and line.startswith((" ", "\t")) and line.strip():
            out[-1] += " " + line.strip()
    return sorted(out, key=lambda m: m.startswith("Aborted"))  # the summary last


def build_site(root: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Not --quiet: with it MkDocs drops its warnings before --strict can count them, so a broken
    # link would pass. Its output is captured and shown as editor_messages instead.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(out)]
    run = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if os.environ.get("SG_DEBUG"):
        print(run.stdout + run.stderr, file=sys.stderr)
    else:
        for message in editor_messages(run.stdout + "\n" + run.stderr, root):
            print(f"  - {message}", file=sys.stderr)
    if run.returncode != 0:
        raise BuildFailed("the site did not build (see the messages above)")


def source_date_epoch(root: Path) -> str:
    """The time of the last commit (seconds since 1970), or a fixed date outside git."""
    try:
        run = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=30)
        if run.returncode == 0 and run.stdout.strip().isdigit():
            return run.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "1795564800"  # 2026-11-25 00:00 UTC


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


def build(root: Path, site: Path) -> Project:
    """Check the content, build every output into a temporary folder, then swap it in for `site`."""
    project = load_project(root)  # raises ContentError listing every problem, before anything is written
    # Reproducible: every step (MkDocs' sitemap, PDF and zip dates) takes its dates from the last commit.
    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(root))
    print_review_warnings(project)
    site.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=site.parent, prefix=f".{site.name}-building-") as tmp:
        new = Path(tmp) / "site"
        # STEP: before the site (outputs the site's pages describe, e.g. poster thumbnails and sizes)
        poster_kit.build_posters(project, Path(tmp) / "posters")  # PDFs, thumbnails and zip; sizes for the Posters page
        build_site(root, new)
        # STEP: after the site, into new / "downloads" (posters, documents; run in parallel where possible)
        poster_kit.publish(Path(tmp) / "posters", new / "downloads")
        try:  # guide PDF, model policy DOCX and PDF, declaration form, checklist (scripts/documents.py)
            build_documents(project, new / "downloads")
        except DocumentsFailed as e:
            raise BuildFailed(str(e)) from None
        # STEP: a Content Security Policy in every page, hashing its inline scripts and styles (kit/csp.py)
        protect_site(new)  # before the zip, so that the offline copy carries it too
        # STEP: last, the offline copy (a zip of everything above)
        make_offline_zip(new, folder_name(project.board.short_name))  # downloads/offline-site.zip (scripts/offline_zip.py)
        old = Path(tmp) / "previous"
        if site.exists():
            site.rename(old)
        new.rename(site)
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check the content and config")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--site-dir", type=Path, default=None, help="output folder (default: ROOT/site)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.check:
            print_review_warnings(load_project(root))
            print("The content and config are correct.")
            return 0
        build(root, (args.site_dir or root / "site").resolve())
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        print("Nothing was published: fix the problems above and build again.", file=sys.stderr)
        return 1
    except BuildFailed as e:
        print(f"Build failed: {e}. The previous site/ is unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Build stopped. The previous site/ is unchanged.", file=sys.stderr)
        return 130
    except Exception as e:  # a fault in the build scripts, not in the content: no traceback for the editor
        if os.environ.get("SG_DEBUG"):
            raise
        print(f"Build failed: unexpected error ({type(e).__name__}: {e}).\n"
              "This is a fault in the build scripts rather than in the content. The previous site/ is unchanged.\n"
              "Run again with SG_DEBUG=1 to see the details, and report it to the developers.", file=sys.stderr)
        return 2
    print(f"Built {args.site_dir or root / 'site'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
