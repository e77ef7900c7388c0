"""(Re)make site/downloads/offline-site.zip, the offline copy of a built site (kit/build/offline.py).

    python scripts/offline_zip.py site
"""
import sys
from pathlib import Path

from kit.build.offline import folder_name, make_offline_zip
from kit.model.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site").resolve()
    dest = make_offline_zip(site, folder_name(load_config(ROOT).board.short_name))
    print(f"{dest} ({dest.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
