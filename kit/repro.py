"""Writing outputs reproducibly and atomically: the same inputs give the same bytes, and a reader
never sees half a file."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import struct
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

from .dates import zip_date_time

ZIP64_LIMIT = (1 << 31) - 1  # zipfile's own limit before it writes zip64 records
ALREADY_COMPRESSED = frozenset({".zip", ".gz", ".woff2", ".woff", ".png", ".jpg", ".jpeg", ".webp"})


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class DeflateCache:
    """Compressed entries by the hash of their contents (under `folder`), so a zip of mostly
    unchanged files (the offline copy after one page changed) compresses only what changed. Entries
    no zip has used for a day are removed by `prune`."""

    def __init__(self, folder: Path):
        self.folder = folder / f"zlib-{zlib.ZLIB_RUNTIME_VERSION}-9"
        self.used: set[str] = set()

    def deflate(self, data: bytes) -> bytes:
        name = hashlib.sha256(data).hexdigest()
        self.used.add(name)
        path = self.folder / name
        try:
            packed = path.read_bytes()
            os.utime(path)
            return packed
        except FileNotFoundError:
            packed = _deflate(data)
            atomic_write(path, packed)
            return packed

    def prune(self, older_than_s: float = 86400) -> None:
        now = time.time()
        for p in self.folder.iterdir() if self.folder.is_dir() else []:
            if p.name not in self.used and now - p.stat().st_mtime > older_than_s:
                p.unlink(missing_ok=True)


def zip_bytes(entries: Iterable[tuple[str, bytes]], when: dt.datetime, cache: DeflateCache | None = None) -> bytes:
    """A zip of (name, data) entries, in the order given: every entry dated `when`, a regular file
    with rw-r--r-- permissions, compressed (level 9) unless it is already compressed. The bytes are
    those Python's zipfile writes; written here so that compressed entries can come from `cache`."""
    t = zip_date_time(when)
    dos_time, dos_date = t[3] << 11 | t[4] << 5 | t[5] // 2, (t[0] - 1980) << 9 | t[1] << 5 | t[2]
    out, central = io.BytesIO(), io.BytesIO()
    count = 0
    for name, data in entries:
        stored = Path(name).suffix.lower() in ALREADY_COMPRESSED
        packed = data if stored else (cache.deflate(data) if cache else _deflate(data))
        method = 0 if stored else 8
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        if len(data) >= ZIP64_LIMIT or len(packed) >= ZIP64_LIMIT or out.tell() >= ZIP64_LIMIT:
            raise ValueError(f"{name}: too large for this zip writer (2 GB)")
        crc = zlib.crc32(data)
        offset = out.tell()
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, method, dos_time, dos_date, crc,
                              len(packed), len(data), len(encoded), 0) + encoded + packed)
        central.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, method, dos_time, dos_date, crc,
                                  len(packed), len(data), len(encoded), 0, 0, 0, 0, 0o100644 << 16, offset) + encoded)
        count += 1
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central.getvalue()), start, 0))
    return out.getvalue()


def write_zip(dest: Path, entries: Iterable[tuple[str, bytes]], when: dt.datetime, cache: DeflateCache | None = None) -> Path:
    atomic_write(dest, zip_bytes(entries, when, cache))
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
