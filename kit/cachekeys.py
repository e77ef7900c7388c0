"""What a cached output is keyed on, and the files it read.

An output's key covers what it is made from (its HTML, options, the renderer's identity, the code);
its cache entry also lists every file the render read (style sheets, fonts, images, as WeasyPrint's
fetcher served them) with a hash of each, the way a compiler's dependency file does. An entry is
used only when the key matches and every file it read is unchanged: a change to one layout's style
sheet makes again only the outputs that read it. Absolute folders (the project, the site being
built) are named by number, so a copy of the project can use the same entries."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def code_digest(*modules: ModuleType) -> str:
    """The source of the modules that shape an output beyond its inputs."""
    return digest(*(Path(str(m.__file__)).read_bytes() for m in modules))


def files_digest(base: Path, files: Iterable[Path]) -> str:
    """The `files`, by name (from `base`) and content: code that shapes an output, read as a whole."""
    return digest(*(part for f in files for part in (f.relative_to(base).as_posix(), f.read_bytes())))


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def stat_signature(root: Path, files: Iterable[str], folders: Iterable[str]) -> str:
    """The `files` and every file under the `folders` of `root`, by name (from `root`), size and
    time: cheap to take, and changed by any save (what a watcher, not a cache key, needs)."""
    seen: list[str] = []
    paths = [root / f for f in files] + [p for d in folders for p in sorted((root / d).rglob("*"))]
    for f in paths:
        try:
            st = f.stat()
        except OSError:  # removed while listing
            continue
        if f.is_file():
            seen += [f.relative_to(root).as_posix(), str(st.st_size), str(st.st_mtime_ns)]
    return digest(*seen)


class Folders:
    """The absolute folders a render may read from, named by number in keys and entries."""

    def __init__(self, roots: Iterable[Path | str]):
        given = [Path(r) for r in roots]
        self.roots = tuple(r.resolve() for r in given)
        # each folder's address as written (a path through a symbolic link) and as it resolves
        self._uris = [(uri, f"<folder {i}>") for i, r in enumerate(given) for uri in {r.absolute().as_uri(), r.resolve().as_uri()}]
        self._uris.sort(key=lambda pair: -len(pair[0]))  # a folder inside another first
        self._hashes: dict[str, str | None] = {}  # by name, once looked up (unchanged)

    def neutral(self, text: str) -> str:
        """`text` without the folders' own addresses (file:// URIs), for a key."""
        for uri, stand_in in self._uris:
            text = text.replace(uri, stand_in)
        return text

    def name(self, path: Path) -> str:
        """`path` as the number of the innermost folder holding it and its place there (the site
        is built in a temporary folder inside the project: named from the project, a file of the
        site would carry that folder's passing name)."""
        holding = [(len(root.parts), i, root) for i, root in enumerate(self.roots) if path.is_relative_to(root)]
        if not holding:
            return f"-:{path.as_posix()}"
        _depth, i, root = max(holding)
        return f"{i}:{path.relative_to(root).as_posix()}"

    def path(self, name: str) -> Path:
        where, _, rel = name.partition(":")
        return Path(rel) if where == "-" else self.roots[int(where)] / rel

    def reads(self, served: Iterable[Path]) -> dict[str, str | None]:
        """The files a render read, by name, with their hashes (for its cache entry)."""
        return {self.name(p): file_hash(p) for p in sorted(set(served))}

    def unchanged(self, reads: dict[str, str | None]) -> bool:
        """Whether every file an entry lists is as it was when the entry was made. Each file is
        hashed once for this Folders (one build step's lookups: the guide's parts read the same
        style sheets and fonts)."""
        for name, h in reads.items():
            if name not in self._hashes:
                self._hashes[name] = file_hash(self.path(name))
            if self._hashes[name] != h:
                return False
        return True


def cached_entry(cache: Path, key: str, roots: Iterable[Path | str], *suffixes: str) -> dict[str, Any] | None:
    """The cache entry `key`.json, when it and its files (`key` + each suffix) exist and every file
    it read is unchanged; else None."""
    try:
        entry = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if not all((cache / f"{key}{suffix}").is_file() for suffix in suffixes):
        return None
    return entry if isinstance(entry.get("reads"), dict) and Folders(roots).unchanged(entry["reads"]) else None
