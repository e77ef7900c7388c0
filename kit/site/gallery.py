"""The Posters page's gallery: the posters' titles from the manifest the poster build writes (the
build writes their list before the site, kit.posters.write_plan), so the site needs none of the
poster code. The file sizes are placeholders (kit.sizes) that the build fills in once the files
exist: the posters render while the site is built."""
from __future__ import annotations

import html as html_lib
import json
import urllib.parse
from pathlib import Path

from ..outputs import DOWNLOADS, POSTER_MANIFEST, POSTER_SIZES, POSTERS, POSTERS_PRINT, POSTERS_PRINT_ZIP, POSTERS_ZIP
from ..sizes import size_placeholder


def _size(path: str, *, nbsp: bool = False) -> str:
    return size_placeholder(f"{DOWNLOADS}/{path}", nbsp=nbsp)


def gallery_markdown(root: Path) -> str:
    """The Posters page's gallery (raw HTML, so MkDocs leaves the download links alone): a table with a
    thumbnail, the title, and the A4 and A3 links with their sizes, then the zips. Before the first
    build (no list of posters yet) it says so."""
    try:
        manifest = json.loads((Path(root) / POSTER_MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return '<p class="sg-posters-missing">The posters have not been built yet: run <code>make build</code>.</p>'
    esc = html_lib.escape
    rows = []
    for p in manifest.get("posters", []):
        slug = esc(urllib.parse.quote(str(p["slug"])))  # a topic's file name, in addresses
        title = esc(str(p.get("title", p["slug"])))
        links = []
        for size, label in POSTER_SIZES.items():
            pdf = f"{POSTERS}/{slug}-{size}.pdf"
            links.append(f'<td><a href="{DOWNLOADS}/{pdf}" aria-label="{title}: {label} PDF, {_size(pdf)}">{label} PDF</a> '
                         f'({_size(pdf, nbsp=True)})</td>')
        prints = [f'<a href="{DOWNLOADS}/{POSTERS}/{POSTERS_PRINT}/{slug}-{size}.pdf" aria-label="{title}: {label} for a '
                  f'print shop (PDF/X-4, 3 mm bleed, crop marks), {_size(f"{POSTERS}/{POSTERS_PRINT}/{slug}-{size}.pdf")}">{label}</a>'
                  for size, label in POSTER_SIZES.items()]
        links.append(f"<td>{' · '.join(prints)}</td>")
        thumb = f'<img src="{DOWNLOADS}/{POSTERS}/{slug}.png" alt="" width="160" height="226" loading="lazy">'
        rows.append(f'<tr><td>{thumb}</td><th scope="row">{title}</th>{"".join(links)}</tr>')
    return "\n".join([
        '<table>', '<thead><tr><th scope="col">Preview</th>'
        '<th scope="col">Poster</th><th scope="col">A4</th><th scope="col">A3</th><th scope="col">For a print shop</th></tr></thead>',
        "<tbody>", *rows, "</tbody>", "</table>", "",
        f'<p><a href="{DOWNLOADS}/{POSTERS_ZIP}">All posters, A4 and A3, as one zip file</a> ({_size(POSTERS_ZIP)})</p>',
        f'<p><a href="{DOWNLOADS}/{POSTERS_PRINT_ZIP}">All posters for a print shop, A4 and A3, as one zip file</a> '
        f'({_size(POSTERS_PRINT_ZIP)}): PDF/X-4 in CMYK, 3&nbsp;mm bleed, crop marks</p>'])
