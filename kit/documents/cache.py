"""Documents by content hash (kit/cachekeys.py): a document is made again only when something it
reads has changed. A PDF is keyed on its HTML, the render options, the renderer's identity and the
code that turns HTML into the PDF, and checked against the files the render read; the Word policy
is keyed on everything it is made from (kit/documents/policy_docx.py)."""
from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dates, pdf_tags, repro, weasy
from ..cachekeys import Folders, cached_entry, code_digest, digest
from ..outputs import DOCUMENT_CACHE
from . import content, render as render_module

if TYPE_CHECKING:
    from ..model import Project

Rendered = render_module.Rendered


def cache_dir(project: Project) -> Path:
    return project.root / DOCUMENT_CACHE


def cached_render(project: Project, html: str, base_url: str, out: Path, roots: tuple[Path, ...] = (),
                  **options: Any) -> Rendered:
    """render.render(), or the same bytes from the cache when nothing it reads has changed."""
    folders = Folders((project.root, *roots))
    key = digest(folders.neutral(html), folders.neutral(base_url), json.dumps(options, sort_keys=True, default=str),
                  weasy.renderer_identity(), code_digest(render_module, pdf_tags, weasy))
    cache = cache_dir(project)
    entry = cached_entry(cache, key, folders.roots, ".pdf")
    if entry is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache / f"{key}.pdf", out)
        return Rendered(out, int(entry["pages"]), cached=True)
    served: list[Path] = []
    rendered = render_module.render(project, html, base_url, out, roots, served=served, **options)
    reads = folders.reads(served)
    repro.atomic_write(cache / f"{key}.pdf", out.read_bytes())
    repro.atomic_write(cache / f"{key}.json", json.dumps({"pages": rendered.pages, "reads": reads}, indent=1).encode())
    return rendered


def cached_bytes(project: Project, out: Path, key_parts: list[str | bytes], make: Callable[[], bytes]) -> bool:
    """Write `make()` to `out`, or the bytes a build with the same `key_parts` made. True if cached."""
    key = digest(*key_parts)
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
    """The Word policy's key: what it is made from and the code that makes it."""
    from . import policy_docx

    return [*policy_docx.policy_docx_inputs(project), code_digest(policy_docx, content, repro, dates)]
