"""The kit's zip writer (kit/repro.py) writes byte for byte what Python's zipfile writes for the same
entries, with or without its cache of compressed entries; the result reads back whole."""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

from kit import repro
from kit.dates import zip_date_time

WHEN = dt.datetime(2026, 11, 3, 10, 11, 13, tzinfo=dt.timezone.utc)
ENTRIES = [("folder/index.html", b"<p>hello</p>" * 500), ("folder/a.png", os.urandom(3000)), ("folder/empty.txt", b""),
           ("folder/caf\u00e9/r\u00e9sum\u00e9.txt", "Gr\u00fc\u00dfe".encode() * 40), ("folder/data.bin", os.urandom(70000))]


def zipfile_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=zip_date_time(WHEN))
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = Path(name).suffix.lower() in repro.ALREADY_COMPRESSED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=None if stored else 9)
    return out.getvalue()


def test_the_zip_writer_writes_what_zipfile_writes(tmp_path: Path) -> None:
    expected = zipfile_bytes(ENTRIES)
    assert repro.zip_bytes(ENTRIES, WHEN) == expected
    cache = repro.DeflateCache(tmp_path / "zip")
    assert repro.zip_bytes(ENTRIES, WHEN, cache) == expected  # compressing, and filling the cache
    assert len(list(cache.folder.iterdir())) == 4  # the deflated entries (not the PNG)
    assert repro.zip_bytes(ENTRIES, WHEN, cache) == expected  # from the cache
    with zipfile.ZipFile(io.BytesIO(expected)) as z:
        assert z.testzip() is None
        assert [(i.filename, z.read(i)) for i in z.infolist()] == ENTRIES


def test_a_changed_entry_is_compressed_again(tmp_path: Path) -> None:
    cache = repro.DeflateCache(tmp_path / "zip")
    repro.zip_bytes(ENTRIES, WHEN, cache)
    changed = [(ENTRIES[0][0], b"<p>changed</p>" * 500), *ENTRIES[1:]]
    assert repro.zip_bytes(changed, WHEN, cache) == zipfile_bytes(changed)
