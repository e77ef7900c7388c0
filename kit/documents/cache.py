"""Documents by content hash: a document is made again only when something it reads has changed.

A rendered PDF is keyed on its HTML, the render options, the renderer's identity (kit.weasy) and
the code that turns HTML into the PDF; the entry also lists every file the render read (style
sheets, fonts, images, as WeasyPrint's fetcher served them) with its hash, the way a compiler's
dependency file does. An entry is used only when that key matches and every file it read is
unchanged, so a change to one style sheet makes again just the documents that use it. The Word
policy is keyed on everything it is made from. Absolute folders (the project, the site being
built) are left out of the keys, so a copy of the project can use the same entries."""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dates, pdf_tags, repro, weasy
from ..outputs import DOCUMENT_CACHE
from . import content, render as render_module

if TYPE_CHECKING:
    from ..model import Project

Rendered = render_module.Rendered


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def code_digest(*modules: Any) -> str:
    """The source of the modules that shape an output beyond its inputs."""
    return _digest(*(Path(m.__file__).read_bytes() for m in modules))


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Folders:
    """The absolute folders a render may read from, named by number in keys and entries."""

    def __init__(self, roots: tuple[Path, ...]):
        self.roots = tuple(r.resolve() for r in roots)

    def neutral(self, text: str) -> str:
        for i, root in enumerate(self.roots):
            text = text.replace(root.as_uri(), f"<folder {i}>")
        return text

    def name(self, path: Path) -> str:
        for i, root in enumerate(self.roots):
            if path.is_relative_to(root):
                return f"{i}:{path.relative_to(root).as_posix()}"
        return f"-:{path.as_posix()}"

    def path(self, name: str) -> Path:
        where, _, rel = name.partition(":")
        return Path(rel) if where == "-" else self.roots[int(where)] / rel


def cache_dir(project: Project) -> Path:
    return project.root / DOCUMENT_CACHE


def _hit(cache: Path, key: str, folders: Folders) -> dict[str, Any] | None:
    try:
        entry = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if not (cache / f"{key}.pdf").is_file():
        return None
    if any(_file_hash(folders.path(name)) != digest for name, digest in entry["reads"].items()):
        return None
    return entry


def cached_render(project: Project, html: str, base_url: str, out: Path, roots: tuple[Path, ...] = (),
                  **options: Any) -> Rendered:
    """render.render(), or the same bytes from the cache when nothing it reads has changed."""
    folders = Folders((project.root, *roots))
    key = _digest(folders.neutral(html), folders.neutral(base_url), json.dumps(options, sort_keys=True, default=str),
                  weasy.renderer_identity(), code_digest(render_module, pdf_tags, weasy))
    cache = cache_dir(project)
    entry = _hit(cache, key, folders)
    if entry is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache / f"{key}.pdf", out)
        return Rendered(out, int(entry["pages"]), cached=True)
    served: list[Path] = []
    rendered = render_module.render(project, html, base_url, out, roots, served=served, **options)
    reads = {folders.name(p): _file_hash(p) for p in sorted(set(served))}
    repro.atomic_write(cache / f"{key}.pdf", out.read_bytes())
    repro.atomic_write(cache / f"{key}.json", json.dumps({"pages": rendered.pages, "reads": reads}, indent=1).encode())
    return rendered


def cached_bytes(project: Project, out: Path, key_parts: list[str | bytes], make: Callable[[], bytes]) -> bool:
    """Write `make()` to `out`, or the bytes a build with the same `key_parts` made. True if cached."""
    key = _digest(*key_parts)
    cached = cache_dir(project) / f"{key}.bin"
    if cached.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, out)
        return True
    data = make()
    repro.atomic_write(out, data)
    repro.atomic_write(cached, data)
    return False


def docx_key(project: Project) -> list[str | bytes]:
    """Everything the Word policy is made from (kit/documents/policy_docx.py)."""
    from . import policy_docx

    paths = policy_docx.PAGES
    return [repr(content.policy_document(project)), repr(content.form_document(project)), repr(project.board),
            repr([project.pages[p].meta.get("description", "") for p in paths if p in project.pages]),
            content.language(project), dates.build_time(content.document_date(project, paths)).isoformat(),
            f"python-docx={version('python-docx')}", code_digest(policy_docx, content, repro, dates)]
