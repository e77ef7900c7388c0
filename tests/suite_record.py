"""Records the time of a full test run (every test file, no selection) in .cache/test-suite.json, so
`make bench` can print the suite's time beside the build figures. Loaded by pytest.ini (-p)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from pathlib import Path

import pytest

from kit.outputs import TEST_SUITE_RECORD

ROOT = Path(__file__).resolve().parent.parent
_start = time.perf_counter()


def _whole_suite(config: pytest.Config) -> bool:
    chosen = [a for a in config.args if Path(a).resolve() != (ROOT / "tests").resolve()]
    return (not chosen and not config.option.keyword and config.option.markexpr == "not external"
            and not config.getoption("fast", False))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller records the run
        return
    if not _whole_suite(session.config) or session.testscollected == 0:
        return
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    record = {"seconds": round(time.perf_counter() - _start, 1), "tests": session.testscollected,
              "outcome": "passed" if exitstatus == 0 else f"failed (exit {int(exitstatus)})", "commit": commit or "unknown",
              "finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    path = ROOT / TEST_SUITE_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
