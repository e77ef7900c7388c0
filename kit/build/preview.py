"""Poster previews while serving: a background worker that re-renders the posters whose content
changed after each save, and a small web server for the files it writes.

    with poster_preview(root, host) as url:   # SG_PREVIEW_URL for the engine
        run the engine's serve

The worker polls the sources, loads the project, and renders (A4 only, the poster kit's cache) each
poster whose job key changed, the page saved last first, into .cache/preview/<slug>-<key>.png and
.pdf: a new content hash is a new address, so the reloaded page shows the new image. It records
every poster (its files, or the problems that stop it) in .cache/preview/state.json, which
kit.build.preview_page reads when a page is built, then rewrites the stamp file the engines watch,
so they rebuild the pages and the browser reloads. Nothing here is written into docs/ or the site.
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import socket
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any, Iterator

from .. import posters
from ..cachekeys import cached_entry
from ..checks import load_project
from ..errors import ContentError
from ..model import Project
from ..posters.jobs import default_cache_dir
from ..repro import atomic_write
from .preview_page import PREVIEW_DIR, STAMP, STATE, read_state, sources_signature

POLL_S = 0.3
STAMP_EVERY_S = 3.0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def touch_stamp(folder: Path) -> None:
    """Rewrite the stamp with a later whole second than before: Zensical compares watched files by
    their mtime in seconds, so two renders in one second would otherwise look like no change."""
    stamp = folder / STAMP
    try:
        last = int(stamp.stat().st_mtime)
    except OSError:
        last = 0
    when = max(int(time.time()), last + 1)
    stamp.write_text(f"{when}\n", encoding="utf-8")
    os.utime(stamp, (when, when))


def _listening(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((_address_host(host), int(port)), timeout=1):
            return True
    except (OSError, ValueError):
        return False


class PreviewWorker(threading.Thread):
    def __init__(self, root: Path, engine_address: str = "") -> None:
        super().__init__(name="poster-preview", daemon=True)
        self.root = root
        self.folder = root / PREVIEW_DIR
        self.stop = threading.Event()
        self.engine_address = engine_address

    def _once_the_engine_watches(self) -> None:
        """The first round can end (posters from the cache) before the engine watches the stamp:
        stamp again once its server answers, so the pages are built with the previews."""
        deadline = time.monotonic() + 120
        while self.engine_address and not self.stop.is_set() and time.monotonic() < deadline:
            if _listening(self.engine_address):
                touch_stamp(self.folder)
                return
            self.stop.wait(POLL_S)

    def run(self) -> None:
        seen = ""
        first = True
        while not self.stop.is_set():
            signature = sources_signature(self.root)
            if signature != seen:
                try:
                    seen = signature if self.render_round(signature) else ""
                except Exception as e:  # the preview must never stop the serve
                    print(f"poster preview: {type(e).__name__}: {e}", file=sys.stderr)
                    seen = signature
                if first and seen:
                    self._once_the_engine_watches()
                    first = False
            self.stop.wait(POLL_S)

    def _write(self, state: dict[str, Any]) -> None:
        atomic_write(self.folder / STATE, (json.dumps(state, indent=1) + "\n").encode())
        touch_stamp(self.folder)

    def render_round(self, signature: str) -> bool:
        """Render what changed since the last round; False if the sources changed meanwhile."""
        previous = {p["slug"]: p for p in (read_state(self.root) or {}).get("posters", []) if p.get("key")}
        try:
            project = load_project(self.root)
        except ContentError:  # the page being edited shows these problems itself (kit.build.extension)
            self._write({**(read_state(self.root) or {}), "signature": signature, "done": True})
            return True
        specs = posters.poster_specs(project)
        jobs = posters.make_jobs(project, specs, ["a4"], default_cache_dir(project))
        keys = {j.slug: j.key for j in jobs}
        # a poster whose key is the same may still be out of date: a style sheet or font it reads changed
        stale = {j.slug for j in jobs if cached_entry(Path(j.cache_dir), j.key, j.roots, ".pdf", ".png") is None}
        entries = {s.slug: previous.get(s.slug, {}) | {"slug": s.slug, "title": s.title, "page": s.page}
                   for s in specs}
        todo = [s for s in specs if previous.get(s.slug, {}).get("key") != keys[s.slug] or s.slug in stale]
        # the page saved last first: its poster is the one being looked at
        todo.sort(key=lambda s: -(self.root / "docs" / s.page).stat().st_mtime_ns)
        state = {"signature": signature, "done": not todo, "posters": list(entries.values())}
        self._write(state)
        stamped = time.monotonic()
        for i, spec in enumerate(todo):
            if self.stop.is_set() or sources_signature(self.root) != signature:
                return False
            entries[spec.slug] = entries[spec.slug] | self.render_one(project, spec.slug, keys[spec.slug])
            done = i == len(todo) - 1
            # a page rebuild for the poster being edited, then at most one every few seconds, and at the end
            if i == 0 or done or time.monotonic() - stamped > STAMP_EVERY_S:
                self._write({"signature": signature, "done": done, "posters": list(entries.values())})
                stamped = time.monotonic()
        self._prune({name for e in entries.values() for name in (e.get("png"), e.get("pdf")) if name})
        return True

    def render_one(self, project: Project, slug: str, key: str) -> dict[str, Any]:
        out = self.folder / "render"
        try:
            # one poster at a time, so the poster kit renders in this process (no fork from a thread)
            result = posters.render_all(project, out, only=[slug], sizes=["a4"], print_shop=False)[0]
        except ContentError as e:
            return {"key": key, "png": None, "pdf": None, "problems": [str(p) for p in e.problems]}
        png, pdf = f"{slug}-{key}.png", f"{slug}-{key}.pdf"
        assert result.png is not None  # A4 posters always get a thumbnail
        shutil.copyfile(result.png, self.folder / png)
        shutil.copyfile(result.pdf, self.folder / pdf)
        return {"key": key, "png": png, "pdf": pdf, "problems": []}

    def _prune(self, keep: set[str]) -> None:
        for p in self.folder.iterdir():
            if p.suffix in (".png", ".pdf") and p.name not in keep:
                p.unlink(missing_ok=True)


def _address_host(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


@contextlib.contextmanager
def poster_preview(root: Path, host: str = "127.0.0.1", engine_address: str = "") -> Iterator[str]:
    """Start the worker and the preview's web server (on a free port); yields its address."""
    folder = root / PREVIEW_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE).unlink(missing_ok=True)  # a state from an earlier serve may be of other sources
    touch_stamp(folder)
    handler = partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="poster-preview-server", daemon=True).start()
    worker = PreviewWorker(root, engine_address)
    worker.start()
    try:
        yield f"http://{_address_host(host)}:{server.server_address[1]}"
    finally:
        worker.stop.set()
        server.shutdown()
        server.server_close()
        worker.join(timeout=10)
