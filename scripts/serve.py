"""`make serve` (and `make serve ENGINE=zensical`): the site, live, while editing.

    python scripts/serve.py [--engine zensical] [--dev-addr 127.0.0.1:8000]

Problems in the content are listed here first, then shown on the page they are in while serving.
"""
import argparse
import os
import sys
from pathlib import Path

from kit.build.engines import ENGINES, serve
from kit.checks import load_project
from kit.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=ENGINES, default=os.environ.get("ENGINE") or "mkdocs")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000")
    args = parser.parse_args(argv)
    try:
        load_project(ROOT)
    except ContentError as e:
        print(e.report() + "\nServing anyway: the pages with problems show them.", file=sys.stderr)
    return serve(ROOT, args.engine, args.dev_addr)


if __name__ == "__main__":
    sys.exit(main())
