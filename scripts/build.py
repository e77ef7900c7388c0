"""Build everything into site/: the MkDocs site, then the posters and documents beside it.

The build happens in a temporary folder next to site/, which replaces site/ only when every
step has succeeded: a failed build leaves the previous site/ untouched.

    python scripts/build.py            # build into site/
    python scripts/build.py --check    # only check the content and config, listing every problem
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit import ContentError, Project, load_project  # noqa: E402


class BuildFailed(Exception):
    """A step failed; its own output has already said why."""


def build_site(root: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
           "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(out)]
    if subprocess.run(cmd, cwd=root, env=env).returncode != 0:
        raise BuildFailed("the site did not build (see the messages above)")


def build(root: Path, site: Path) -> Project:
    """Check the content, build every output into a temporary folder, then swap it in for `site`."""
    project = load_project(root)  # raises ContentError listing every problem, before anything is written
    site.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=site.parent, prefix=f".{site.name}-building-") as tmp:
        new = Path(tmp) / "site"
        # STEP: before the site (outputs the site's pages describe, e.g. poster thumbnails and sizes)
        build_site(root, new)
        # STEP: after the site, into new / "downloads" (posters, documents; run in parallel where possible)
        # STEP: last, the offline copy (a zip of everything above)
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
            load_project(root)
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
    print(f"Built {args.site_dir or root / 'site'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
