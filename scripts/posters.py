"""Build the A4 and A3 posters (PDF, and a PNG thumbnail of each A4) from the content.

    python scripts/posters.py                         # every poster, both sizes, into site/downloads/posters/
    python scripts/posters.py --topic email --size a4 # one poster while editing (about half a second)
    python scripts/posters.py --verbose               # timings, type size and fill of each poster
    python scripts/posters.py --example topic         # a layout filled with its example (posters/topic/example.yml)

Unchanged posters are not rendered again: each is cached under .cache/posters/ by a hash of its text,
the templates and CSS, the fonts, the logo and the renderer. The others render in parallel, one
process per core. `make build` runs the same renderer, then publishes the posters with the site.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from kit import posters
from kit.checks import load_project
from kit.errors import ContentError
from kit.outputs import POSTERS_ZIP


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", action="append", metavar="SLUG",
                        help="only this poster (repeat for more); e.g. email, good-practice-summary")
    parser.add_argument("--size", action="append", choices=sorted(posters.SIZES), help="only this paper size")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: site/downloads/posters)")
    parser.add_argument("--zip", action="store_true", help="also write posters.zip beside the output folder")
    parser.add_argument("--example", choices=posters.LAYOUTS, help="render a layout's example instead")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    parser.add_argument("--no-cache", action="store_true", help="render everything again")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each poster's time, size and fit")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "site" / "downloads" / "posters").resolve()
    start = time.perf_counter()
    try:
        project = load_project(root)
        if args.example:
            for size in args.size or list(posters.SIZES):
                print(posters.render_example(project, args.example, size, out))
            return 0
        results = posters.render_all(project, out, only=args.topic, sizes=args.size or list(posters.SIZES),
                                     workers=args.workers, use_cache=not args.no_cache)
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        print("No poster was written: fix the problems above and build again.", file=sys.stderr)
        return 1
    except ValueError as e:
        parser.error(str(e))
    if args.zip:
        z = posters.write_zip(out, out.parent / POSTERS_ZIP, posters.zip_time(project))
        posters.write_manifest(project, [], zip_bytes=z.stat().st_size)
    elapsed = time.perf_counter() - start
    rendered = [r for r in results if not r.cached]
    if args.verbose:
        print(f"{'poster':26} {'size':4} {'PDF':>7} {'PNG':>7} {'body':>8} {'fill':>5} {'layouts':>7} {'time':>6}")
        for r in results:
            how = "cached" if r.cached else f"{r.seconds:5.2f}s"
            png = f"{r.png_bytes / 1024:5.1f}KB" if r.png else ""
            print(f"{r.slug:26} {r.size:4} {r.bytes / 1024:5.1f}KB {png:>7} {r.body_pt:6.2f}pt {r.fill:5.1%} "
                  f"{r.layouts:7} {how:>6}")
            for w in r.warnings:
                print(f"    WeasyPrint: {w}")
        if rendered:
            each = [r.seconds for r in rendered]
            print(f"per poster: {min(each):.2f}–{max(each):.2f} s, mean {sum(each) / len(each):.2f} s "
                  f"(in {min(args.workers or os.cpu_count() or 1, len(rendered))} processes)")
        sizes = [r.bytes for r in results]
        print(f"PDF sizes: {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB (limit {posters.MAX_BYTES // 1024} KB)")
    print(f"{len(rendered)} of {len(results)} posters rendered ({len(results) - len(rendered)} unchanged) "
          f"in {elapsed:.1f} s into {out}")
    too_big = [r for r in results if r.bytes > posters.MAX_BYTES]
    for r in too_big:
        print(f"{r.pdf.name} is {r.bytes // 1024} KB, over the {posters.MAX_BYTES // 1024} KB limit", file=sys.stderr)
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
