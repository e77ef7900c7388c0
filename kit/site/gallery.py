"""The Posters page's gallery, from the manifest the poster build writes (titles and file sizes):
data in a file, so the site needs none of the poster code."""
from __future__ import annotations

import html as html_lib
import json
from pathlib import Path

from ..outputs import (DOWNLOADS, POSTER_MANIFEST, POSTER_SIZES, POSTERS, POSTERS_PRINT, POSTERS_PRINT_ZIP, POSTERS_ZIP,
                       human_size)


def gallery_markdown(root: Path) -> str:
    """The Posters page's gallery (raw HTML, so MkDocs leaves the download links alone): a table with a
    thumbnail, the title, and the A4 and A3 links with their sizes, then the zip. It reads the manifest the
    poster build writes; before the first build it says so."""
    try:
        manifest = json.loads((Path(root) / POSTER_MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return '<p class="sg-posters-missing">The posters have not been built yet: run <code>make build</code>.</p>'
    esc = html_lib.escape
    rows = []
    for p in manifest.get("posters", []):
        slug = p["slug"]
        title = esc(p.get("title", slug))
        links = []
        for size, label in POSTER_SIZES.items():
            if size in p:
                size_text = human_size(p[size])
                links.append(f'<td><a href="{DOWNLOADS}/{POSTERS}/{slug}-{size}.pdf" aria-label="{title}: {label} PDF, '
                             f'{size_text}">{label} PDF</a> ({size_text.replace(" ", "&nbsp;")})</td>')
            else:
                links.append("<td></td>")
        prints = [f'<a href="{DOWNLOADS}/{POSTERS}/{POSTERS_PRINT}/{slug}-{size}.pdf" aria-label="{title}: {label} for a '
                  f'print shop (PDF/X-4, 3 mm bleed, crop marks), {human_size(p["print-" + size])}">{label}</a>'
                  for size, label in POSTER_SIZES.items() if f"print-{size}" in p]
        links.append(f"<td>{' · '.join(prints)}</td>")
        thumb = (f'<img src="{DOWNLOADS}/{POSTERS}/{slug}.png" alt="" width="160" height="226" loading="lazy">'
                 if "png" in p else "")
        rows.append(f'<tr><td>{thumb}</td><th scope="row">{title}</th>{"".join(links)}</tr>')
    out = ['<table>', '<thead><tr><th scope="col">Preview</th>'
           '<th scope="col">Poster</th><th scope="col">A4</th><th scope="col">A3</th><th scope="col">For a print shop</th></tr></thead>',
           "<tbody>", *rows, "</tbody>", "</table>", ""]
    if "zip" in manifest:
        out.append(f'<p><a href="{DOWNLOADS}/{POSTERS_ZIP}">All posters, A4 and A3, as one zip file</a> '
                   f'({human_size(manifest["zip"])})</p>')
    if "print_zip" in manifest:
        out.append(f'<p><a href="{DOWNLOADS}/{POSTERS_PRINT_ZIP}">All posters for a print shop, A4 and A3, as one zip file</a> '
                   f'({human_size(manifest["print_zip"])}): PDF/X-4 in CMYK, 3&nbsp;mm bleed, crop marks</p>')
    return "\n".join(out)

