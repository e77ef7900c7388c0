"""Writing outputs reproducibly and atomically: the same inputs give the same bytes, and a reader
never sees half a file."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .dates import zip_date_time

ALREADY_COMPRESSED = frozenset({".zip", ".gz", ".woff2", ".woff", ".png", ".jpg", ".jpeg", ".webp"})


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def zip_bytes(entries: Iterable[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A zip of (name, data) entries, in the order given: every entry dated `when`, a regular file
    with rw-r--r-- permissions, compressed unless it is already compressed."""
    date_time = zip_date_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16
            stored = Path(name).suffix.lower() in ALREADY_COMPRESSED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=None if stored else 9)
    return out.getvalue()


def write_zip(dest: Path, entries: Iterable[tuple[str, bytes]], when: dt.datetime) -> Path:
    atomic_write(dest, zip_bytes(entries, when))
    return dest


def folder_entries(folder: Path, prefix: str, leave_out: Iterable[Path] = ()) -> list[tuple[str, bytes]]:
    """Every file under `folder`, sorted by path, named `prefix`/<path>."""
    skip = {p.resolve() for p in leave_out}
    files = sorted((p for p in folder.rglob("*") if p.is_file() and p.resolve() not in skip),
                   key=lambda p: p.relative_to(folder).as_posix())
    return [(f"{prefix}/{p.relative_to(folder).as_posix()}", p.read_bytes()) for p in files]


# What a copy of the project leaves out (tests and `make bench` build copies): outputs, caches and
# installed packages at the top, and byte-code and temporary build folders anywhere. Only at the top
# for "site": kit/site/ is source.
NOT_SOURCES_AT_TOP = frozenset({".venv", "site", ".git", ".cache", "node_modules"})
NOT_SOURCES_ANYWHERE = ("__pycache__", ".pytest_cache", ".hypothesis", ".site-building-*", ".zensical-*", "*.pyc")


def copy_sources(root: Path, dest: Path) -> Path:
    """A copy of the project's sources at `dest` (which must not exist yet)."""
    anywhere = shutil.ignore_patterns(*NOT_SOURCES_ANYWHERE)

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(anywhere(folder, names))
        if Path(folder).resolve() == root.resolve():
            skipped |= NOT_SOURCES_AT_TOP & set(names)
        return skipped

    shutil.copytree(root, dest, ignore=ignore)
    return dest
