"""Build everything into site/ (`make build`), or only check the content (`make check`).

    python scripts/build.py            # build into site/
    python scripts/build.py --check    # only check the content and config, listing every problem

The pipeline is kit/build/pipeline.py; this is its command line (kit/build/cli.py).
"""
import sys
from pathlib import Path

from kit.build.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent.parent))
