"""The poster kit: A4 and A3 PDF posters (and PNG thumbnails) rendered with WeasyPrint from the filled
Project, in the shape of Material's social plugin:

    sizes     paper sizes and their size sheets (posters/a4.css, a3.css)
    spec      what each poster says, from the model (topics, lists, offences, board, page blocks)
    html      a poster's HTML for one size (the kit's own Jinja environment, QR code)
    fit       the fit search and the render (kit.weasy's fetcher)
    jobs      jobs, their hash-keyed cache, parallel rendering, thumbnails
    manifest  titles and sizes for the Posters page (kit.outputs.POSTER_MANIFEST)
    publish   the build steps (zip via kit.repro, copy into downloads/) and layout examples

    results = render_all(project, out_dir)     # fit, render, thumbnail; cached by content hash
    build_posters(project, staging); publish(staging, site / "downloads")

Layouts live in `posters/<layout>/template.html` (+ CSS and an example context); `posters/poster.css` is
shared. Every word on a poster comes from the Project: the templates hold structure only. A poster that
does not fit at the smallest body size fails with a ContentError naming the page, the size and how much to cut.
"""
from .html import inline, poster_html
from .jobs import THUMB_WIDTH, _run_job, make_jobs, render_all
from .publish import MAX_BYTES, build_posters, publish, render_example, write_zip, zip_time
from .manifest import write_manifest, write_plan
from .sizes import SIZES, size_range
from .spec import ADDED_OFFENCES_SLUG, LAYOUTS, _topic_spec, example_spec, poster_specs, short_address

__all__ = ["ADDED_OFFENCES_SLUG", "LAYOUTS", "MAX_BYTES", "SIZES", "THUMB_WIDTH", "_run_job", "_topic_spec",
           "build_posters", "example_spec", "inline", "make_jobs", "poster_html", "poster_specs", "publish",
           "render_all", "render_example", "short_address", "size_range", "write_manifest", "write_plan", "write_zip",
           "zip_time"]
