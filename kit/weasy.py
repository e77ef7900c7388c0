"""WeasyPrint, as every renderer of the kit uses it: a URL fetcher that fetches nothing from outside
the project, and the renderer's identity for cache keys.

The build fetches nothing. WeasyPrint's own fetcher would request any http(s) address a page names
(an <img> in a page, a stylesheet), which would let a page track the build or read a local service.
Only files inside the folders a render is given (the project, the site being built) and data: URLs
(which fetch nothing) are served; anything else stops the render with a message naming the address.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit


# The system libraries whose code decides the bytes WeasyPrint writes (text shaping, font subsetting).
RENDERING_LIBRARIES = re.compile(r"lib(pango|pangoft2|harfbuzz|harfbuzz-subset|fontconfig|freetype|fribidi|glib|gobject)[-.]")
SYSTEM_FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


REFUSED = ("the address {url} would have been fetched: the build fetches nothing from outside the project; "
           "use a file under docs/ instead (images must be copied into docs/assets/)")


@functools.lru_cache(maxsize=1)
def _classes() -> tuple[type, type]:
    """The fetcher and its error, made on first use: importing WeasyPrint takes half a second, and
    most of the kit (checks, the site) never renders a PDF."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class FetchRefused(FatalURLFetchingError):
        """Stops the render (WeasyPrint lets Fatal… errors through); nothing was requested."""

        def __init__(self, url: str):
            self.url = url
            super().__init__(REFUSED.format(url=url))

    class LocalFetcher(URLFetcher):
        """Serves file: URLs inside `roots`, and data: URLs (which fetch nothing); refuses the rest."""

        def __init__(self, roots: Iterable[Path], served: list[Path] | None):
            super().__init__(allowed_protocols={"file", "data"})
            self.roots = tuple(Path(r).resolve() for r in roots)
            self.served = served if served is not None else []

        def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN202 - a URLFetcherResponse
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise FetchRefused(url)
                self.served.append(path)
            elif scheme != "data":
                raise FetchRefused(url)
            return super().fetch(url, headers)

    return LocalFetcher, FetchRefused


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=1)
def _font_class() -> type:
    from weasyprint.text.fonts import FontConfiguration

    class SharedFonts(FontConfiguration):
        """A FontConfiguration shared by the renders of one process (a web font is decoded once, not
        per render), which still tells each render's fetcher the font files it uses, so a cached
        output lists them among the files it read."""

        def __init__(self) -> None:
            super().__init__()
            self.owner = os.getpid()  # a forked worker inherits it (decoded fonts and all) but never deletes them
            self.files: dict[str, list[Path]] = {}
            self.states: dict[Path, tuple[int, int] | None] = {}  # of the font files, when decoded

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            key = str(rule_descriptors)
            served = getattr(url_fetcher, "served", None)
            if key in self.files:
                if served is not None:
                    served.extend(self.files[key])
                return super().add_font_face(rule_descriptors, url_fetcher)  # already decoded: returns at once
            mark = len(served) if served is not None else 0
            result = super().add_font_face(rule_descriptors, url_fetcher)
            self.files[key] = list(served[mark:]) if served is not None else []
            self.states.update({p: _file_state(p) for p in self.files[key]})
            return result

        def changed(self) -> bool:
            return any(_file_state(p) != state for p, state in self.states.items())

        def __del__(self) -> None:
            if os.getpid() == self.owner:
                super().__del__()

    return SharedFonts


_FONTS: dict[tuple[str, ...], Any] = {}  # by the folders the renders read from
_FONTS_KEPT = 4


def font_config(roots: Iterable[Path | str]) -> Any:
    """The FontConfiguration shared by this process's renders from `roots` (a project: every poster
    and document there declares the same web fonts, so a render finds the same fonts whatever was
    rendered before it); a new one when a font file it decoded has changed since (a long-running
    process, such as the preview while serving, must not set a new font file with the old glyphs)."""
    key = tuple(sorted(str(Path(r).resolve()) for r in roots))
    fonts = _FONTS.get(key)
    if fonts is not None and fonts.changed():
        fonts = None
    if fonts is None:
        if len(_FONTS) >= _FONTS_KEPT:
            _FONTS.pop(next(iter(_FONTS)))
        fonts = _FONTS[key] = _font_class()()
    return fonts


STYLESHEET_LINK = re.compile(r"""<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']""")


def preload_fonts(html: str, base_url: str, roots: Iterable[Path | str]) -> None:
    """Decode the web fonts that the style sheets linked from `html` declare into this process's
    shared configuration for `roots`, before forking workers: each then starts with them decoded
    instead of decoding them again. (Our own templates: they link their style sheets by href.)"""
    from weasyprint import CSS

    roots = tuple(roots)
    fonts, fetcher = font_config(roots), local_fetcher(map(Path, roots))
    for href in STYLESHEET_LINK.findall(html):
        CSS(url=urljoin(base_url, href), url_fetcher=fetcher, font_config=fonts)


def local_fetcher(roots: Iterable[Path], served: list[Path] | None = None):  # noqa: ANN201 - a weasyprint URLFetcher
    """A WeasyPrint url_fetcher that reads only files inside `roots`, adding each file it reads to
    `served` (what a cached render depends on)."""
    return _classes()[0](roots, served)


def refused_url(error: BaseException | None) -> str | None:
    """The address a failed render was refused, if that is why it failed."""
    refused = _classes()[1]
    while error is not None:
        if isinstance(error, refused):
            return error.url
        error = error.__cause__ or error.__context__
    return None


def _mapped_libraries() -> list[Path]:
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:  # not Linux: the library versions below still say which renderer this is
        return []
    return sorted({Path(line.split()[-1]) for line in maps.splitlines()
                   if "/" in line and ".so" in line and RENDERING_LIBRARIES.search(line.rsplit("/", 1)[-1])})


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


@functools.lru_cache(maxsize=1)
def renderer_identity() -> str:
    """Everything besides our own files that decides the bytes of a PDF: WeasyPrint's and pydyf's
    versions, Pango's, whether HarfBuzz can subset fonts (without it WeasyPrint falls back to
    fontTools and writes different bytes), the system libraries it loaded (by content) and the
    system fonts it can fall back to (by name and size)."""
    from weasyprint.text.ffi import harfbuzz_subset, pango

    parts = [f"{name}={version(name)}" for name in ("weasyprint", "pydyf", "fonttools", "pillow")]
    parts.append(f"pango={pango.pango_version()}")
    parts.append(f"harfbuzz-subset={'yes' if harfbuzz_subset is not None else 'no'}")
    parts += [f"{lib.name}:{_file_digest(lib)}" for lib in _mapped_libraries()]
    fonts = hashlib.sha256()
    for folder in SYSTEM_FONT_FOLDERS:
        for font in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if font.is_file():
                fonts.update(f"{font}:{font.stat().st_size}\n".encode())
    parts.append(f"system-fonts={fonts.hexdigest()}")
    return "|".join(parts)
