"""Check the links of the built site (offline), or every external address on the real web (online).

    python scripts/linkcheck.py                  # offline: every link, anchor and download in site/
    python scripts/linkcheck.py --external       # online: every address in docs/data/links.yml
    python scripts/linkcheck.py --external --url https://example.org/   # just these addresses

Offline needs no network: run `make build` first. It lists every problem at once (page, link,
why) and exits 1 if there is any error.

Online (`make linkcheck`) writes a Markdown report and a JSON copy (default
.cache/linkcheck-report.md and .json), keeps a cache of results (.cache/linkcheck.json) so a
rerun within --max-age hours is quick, and exits 1 if any address is broken (2 with --strict
and only warnings).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from kit.errors import ContentError
from kit.links.checker import check_site
from kit.links.online import Settings, check_urls, project_addresses, write_report


def offline(root: Path, site: Path) -> int:
    report = check_site(root, site)
    print(report.text(), file=sys.stderr if report.errors else sys.stdout)
    return 1 if report.errors else 0


def online(args: argparse.Namespace, root: Path) -> int:
    if args.url:
        urls = {u: ["command line"] for u in args.url}
    else:
        try:
            urls = project_addresses(root)
        except ContentError as e:
            print(e.report(), file=sys.stderr)
            return 1
    settings = Settings(timeout=args.timeout, retries=args.retries, backoff=args.backoff,
                        concurrency=args.concurrency, per_host=args.per_host, max_age=args.max_age * 3600)
    cache = None if args.no_cache else (args.cache or root / ".cache" / "linkcheck.json")
    run = check_urls(urls, settings, cache)
    report = args.report or root / ".cache" / "linkcheck-report.md"
    write_report(run, report, report.with_suffix(".json"))
    for r in run.results:
        if r.verdict != "ok":
            label = f" [{', '.join(r.labels)}]" if r.labels else ""
            print(f"  {r.verdict.upper():8} {r.url}{label}: {r.message}")
    print(run.summary())
    if run.results and all(r.status is None and r.message.startswith(("could not connect", "timed out")) for r in run.results):
        print("No address could be reached at all: is this machine offline, or behind a proxy?")
    print(f"Report: {report} (and {report.with_suffix('.json').name})")
    if run.broken:
        return 1
    return 2 if args.strict and run.warnings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--site-dir", type=Path, default=None, help="built site to check offline (default: ROOT/site)")
    online_args = parser.add_argument_group("online check")
    online_args.add_argument("--external", action="store_true", help="check the external addresses on the real web")
    online_args.add_argument("--url", action="append", help="check this address instead of the project's (repeatable)")
    online_args.add_argument("--report", type=Path, default=None, help="Markdown report path; the JSON goes beside it (default: ROOT/.cache/linkcheck-report.md)")
    online_args.add_argument("--cache", type=Path, default=None, help="cache file (default: ROOT/.cache/linkcheck.json)")
    online_args.add_argument("--no-cache", action="store_true", help="check everything again and keep no cache")
    online_args.add_argument("--max-age", type=float, default=24, help="hours a cached result is reused (default: 24)")
    online_args.add_argument("--timeout", type=float, default=15, help="seconds to wait for an answer (default: 15)")
    online_args.add_argument("--retries", type=int, default=2, help="extra attempts on server errors and timeouts (default: 2)")
    online_args.add_argument("--backoff", type=float, default=1.0, help="first pause between attempts in seconds, doubling (default: 1)")
    online_args.add_argument("--concurrency", type=int, default=8, help="requests at once (default: 8)")
    online_args.add_argument("--per-host", type=int, default=2, help="requests at once to one host (default: 2)")
    online_args.add_argument("--strict", action="store_true", help="exit 2 when there are warnings (moved or refused)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.external or args.url:
        return online(args, root)
    return offline(root, (args.site_dir or root / "site").resolve())


if __name__ == "__main__":
    sys.exit(main())
