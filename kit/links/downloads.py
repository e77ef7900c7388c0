"""Downloads: not empty, what their name says (magic bytes), and zip files sound and safe to unpack."""
from __future__ import annotations

import zipfile

from .address import AddressChecker

# What a download must start with (magic bytes), by file extension.
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}


def check_download(links: AddressChecker, rel: str) -> bool:
    """A file with a download's extension: not empty, and what its name says. True if sound."""
    path = links.site.root / rel
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        links.problem(rel, "", "is empty (0 bytes): the step that makes it failed")
        return False
    magic = MAGIC.get(suffix)
    if magic:
        with path.open("rb") as f:
            head = f.read(16)
        if not head.startswith(magic):
            links.problem(rel, "", f"is not a real {suffix[1:].upper()} file (it starts with {head[:8]!r})")
            return False
    elif suffix == ".svg":
        if b"<svg" not in path.read_bytes()[:4096].lower():
            links.problem(rel, "", "is not an SVG image (no <svg> element)")
            return False
    return True


def check_zip(links: AddressChecker, rel: str) -> None:
    links.report.files["zip files"] += 1
    try:
        with zipfile.ZipFile(links.site.root / rel) as z:
            names = z.namelist()
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError) as e:
        links.problem(rel, "", f"cannot be opened as a zip file ({e})")
        return
    if bad:
        links.problem(rel, bad, "is damaged inside the zip file (bad checksum)")
    if not names:
        links.problem(rel, "", "the zip file is empty")
    for n in names:
        if n.startswith("/") or ".." in n.split("/"):
            links.problem(rel, n, "a file in the zip would be unpacked outside its folder")
