"""Build the printable documents into a downloads folder, at stable addresses:

    guide.pdf                        the whole guidance (cover, contents, tagged PDF/UA-1)
    model-social-media-policy.docx   the model policy for Word (headings, numbering, highlighted fill-ins)
    model-social-media-policy.pdf    the model policy with Appendix 1, A4
    employee-declaration-form.pdf    Appendix 1 as a fillable PDF form
    checklist.pdf                    the managers' checklist, A4

`make build` (kit/build/pipeline.py) calls build_documents() after building the site: the guide is
assembled from the built pages (kit/documents/guide_pages.py). Run on its own, this script builds the site
into a temporary folder first when there is none.

    python scripts/documents.py                       # into site/downloads
    python scripts/documents.py --out /tmp/docs -v    # elsewhere, with timings
    python scripts/documents.py --only policy-docx checklist
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kit.build.documents import NAMES, DocumentsFailed, build_documents
from kit.checks import load_project
from kit.dates import commit_epoch
from kit.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--out", type=Path, default=None, help="downloads folder (default: ROOT/site/downloads)")
    parser.add_argument("--only", nargs="+", choices=list(NAMES), help="make only these documents")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each document's time, size and pages")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    os.environ.setdefault("SOURCE_DATE_EPOCH", commit_epoch(root))  # the same dates as `make build`
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
