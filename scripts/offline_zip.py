"""The offline copy: site/downloads/offline-site.zip, a zip of the finished site.

The site itself is built to work from a shared drive or file:// (mkdocs.yml: the `offline` plugin,
use_directory_urls false, the iframe-worker shim vendored so search works without a server and
nothing loads from unpkg), so the offline copy needs no second MkDocs build: it is the built site
(pages, search index, posters, PDFs; everything except this zip), zipped as the build's last step.

The zip is reproducible: entries sorted, every date set from SOURCE_DATE_EPOCH (the last commit,
set by scripts/build.py; a fixed date without it), fixed permissions and compression.

    python scripts/offline_zip.py site     # (re)make site/downloads/offline-site.zip
"""
from __future__ import annotations

import os
import re
import sys
import time
import zipfile
from pathlib import Path

ZIP_PATH = Path("downloads") / "offline-site.zip"  # under the site folder; a stable address
FALLBACK_EPOCH = 1795564800  # 2026-11-25 00:00 UTC, when SOURCE_DATE_EPOCH is not set
ALREADY_COMPRESSED = {".zip", ".gz", ".woff2", ".woff", ".png", ".jpg", ".jpeg", ".webp"}


def folder_name(short_name: str) -> str:
    """The zip's top-level folder, from the board's short name only (extra.board.short_name)."""
    slug = re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")
    return f"{slug}-offline-site" if slug else "offline-site"


def zip_date(epoch: int | None = None) -> tuple[int, int, int, int, int, int]:
    if epoch is None:
        value = os.environ.get("SOURCE_DATE_EPOCH", "")
        epoch = int(value) if value.strip().isdigit() else FALLBACK_EPOCH
    t = time.gmtime(max(epoch, 315532800))  # zip dates start in 1980
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec - t.tm_sec % 2)


def make_offline_zip(site: Path, folder: str, epoch: int | None = None) -> Path:
    """Zip every file of `site` (except the zip itself) under `folder`/ into site/downloads/offline-site.zip."""
    dest = site / ZIP_PATH
    date = zip_date(epoch)
    files = sorted((p for p in site.rglob("*") if p.is_file() and p.resolve() != dest.resolve()),
                   key=lambda p: p.relative_to(site).as_posix())
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site).as_posix()}", date_time=date)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            stored = path.suffix.lower() in ALREADY_COMPRESSED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=None if stored else 9)
    tmp.replace(dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site").resolve()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kit.config import load_config

    board = load_config(Path(__file__).resolve().parent.parent).board
    dest = make_offline_zip(site, folder_name(board.short_name))
    print(f"{dest} ({dest.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
