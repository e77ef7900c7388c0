"""`make build` and `make check`: build everything into site/, or only check the content.

    python scripts/build.py            # build into site/
    python scripts/build.py --check    # only check the content and config, listing every problem
    python scripts/build.py --engine zensical   # the same outputs, the pages built by Zensical
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..checks import load_project
from ..errors import ContentError
from .engines import ENGINES, BuildFailed
from .pipeline import build, print_review_warnings

def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """`root`: the project folder (scripts/build.py gives its own); --root overrides it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check the content and config")
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="how problems are printed: text for people, github for workflow annotations on pull requests")
    parser.add_argument("--root", type=Path, default=root or Path.cwd(), help="project folder (default: this repository)")
    parser.add_argument("--site-dir", type=Path, default=None, help="output folder (default: ROOT/site)")
    parser.add_argument("--engine", choices=ENGINES, default=os.environ.get("ENGINE") or "mkdocs",
                        help="what builds the pages: MkDocs + Material (default) or Zensical")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.check:
            print_review_warnings(load_project(root))
            print("The content and config are correct.")
            return 0
        build(root, (args.site_dir or root / "site").resolve(), args.engine)
    except ContentError as e:
        if args.format == "github":  # on stdout, where GitHub Actions reads workflow commands
            print("\n".join(p.github_annotation() for p in e.problems))
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

