"""Results of the online link check: each address's `Result`, a whole `Run`, the cache of results
(JSON, with the time each check was made) and the Markdown + JSON report."""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

OK, MOVED, REFUSED, BROKEN = "ok", "moved", "refused", "broken"
WARNINGS = (MOVED, REFUSED)
CACHE_VERSION = 1


@dataclass
class Result:
    url: str
    verdict: str  # ok, moved, refused, broken
    status: int | None  # the last HTTP status, or None when there was no answer
    final_url: str  # where the redirects ended
    message: str  # in words, for the report
    checked_at: str  # ISO 8601, UTC
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, to) for each hop
    method: str = "HEAD"  # the method that gave the answer
    attempts: int = 1
    seconds: float = 0.0
    cached: bool = False
    labels: list[str] = field(default_factory=list)  # where the address comes from (link ids)

    @property
    def age(self) -> float:
        """Seconds since the check was made."""
        return (dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(self.checked_at)).total_seconds()

    def to_json(self) -> dict:
        d = asdict(self)
        d["redirects"] = [list(r) for r in self.redirects]
        d["age_seconds"] = round(self.age, 1)
        return d

    @classmethod
    def from_json(cls, d: dict) -> Result:
        keys = set(cls.__dataclass_fields__)
        r = cls(**{k: v for k, v in d.items() if k in keys})
        r.redirects = [(int(s), str(u)) for s, u in r.redirects]
        return r


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def load_cache(path: Path | None) -> dict[str, Result]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}
        return {u: Result.from_json(r) for u, r in data.get("results", {}).items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}  # a damaged cache is only a slower run


def save_cache(path: Path, results: list[Result]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": CACHE_VERSION, "results": {r.url: {k: v for k, v in r.to_json().items() if k not in ("cached", "age_seconds")}
                                                  for r in results}}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Run:
    results: list[Result]
    seconds: float
    checked_at: str

    @property
    def broken(self) -> list[Result]:
        return [r for r in self.results if r.verdict == BROKEN]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.verdict in WARNINGS]

    def summary(self) -> str:
        cached = sum(r.cached for r in self.results)
        return (f"Checked {len(self.results)} addresses in {self.seconds:.1f} s ({cached} from the cache): "
                f"{len(self.broken)} broken, {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}, "
                f"{len(self.results) - len(self.broken) - len(self.warnings)} ok.")


def _age(seconds: float) -> str:
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_report(run: Run, markdown: Path, json_path: Path | None = None) -> None:
    """A readable Markdown report and the same results as JSON."""
    markdown.parent.mkdir(parents=True, exist_ok=True)
    out = ["# Link check report", "", f"Run at {run.checked_at} (UTC). {run.summary()}", ""]
    sections = (
        (BROKEN, "Broken: fix these", "Find the new address, put it in `docs/data/links.yml` (keep the old one under `formerly`)."),
        (MOVED, "Moved permanently: update these", "The address still works but redirects for good: use the new address."),
        (REFUSED, "Refused the checker: check these by hand", "The server would not answer an automatic check."),
        (OK, "Working", ""),
    )
    for verdict, title, advice in sections:
        rows = [r for r in run.results if r.verdict == verdict]
        if not rows:
            continue
        out += [f"## {title} ({len(rows)})", ""]
        if advice:
            out += [advice, ""]
        out += ["| Link | Address | Status | Final address | What happened | Checked at |", "|---|---|---|---|---|---|"]
        for r in rows:
            when = f"{r.checked_at} ({_age(r.age)}{', cached' if r.cached else ''})"
            final = r.final_url if r.final_url != r.url else "same"
            out.append(f"| {_cell(', '.join(r.labels))} | {_cell(r.url)} | {r.status or '–'} | {_cell(final)} | {_cell(r.message)} | {when} |")
        out.append("")
    markdown.write_text("\n".join(out), encoding="utf-8")
    if json_path is not None:
        data = {"checked_at": run.checked_at, "seconds": round(run.seconds, 2),
                "summary": {"total": len(run.results), "broken": len(run.broken), "warnings": len(run.warnings)},
                "results": [r.to_json() for r in run.results]}
        json_path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
