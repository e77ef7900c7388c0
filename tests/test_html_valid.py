"""Every page of the built site is valid HTML: the W3C Nu Html Checker (npm vnu-jar, run with Debian's
default-jre-headless; `make test` installs both) finds 0 errors. It runs once, over all the pages
together, with one page of Material's markup as it comes beside them, which must fail: that proves
the checker sees the faults kit/build/repair.py repairs.

    .venv/bin/python -m pytest tests/test_html_valid.py -q
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kit.build.repair import valid
from tests.browser_support import ROOT, built_pages, source_pages

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Material 9.8's own markup (base.html, partials/nav-item.html), before the repair.
MATERIAL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Material</title></head><body>
<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
<nav><input class="md-nav__toggle md-toggle" type="checkbox" id="__nav_2">
<label class="md-nav__link" for="__nav_2" id="__nav_2_label" tabindex="">Topics</label></nav>
</body></html>"""


def vnu(files: list[Path]) -> list[dict]:
    """The checker's error messages for `files`, in one run (it starts a JVM: about 10 s for the site)."""
    java = shutil.which("java")
    if not java or not VNU_JAR.is_file():
        pytest.fail("the Nu Html Checker needs Java and node_modules/vnu-jar: run `make test`, which installs "
                    "default-jre-headless (scripts/system_deps.sh) and the npm packages (npm ci)")
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')  # vnu writes its JSON to stderr
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def where(message: dict, site: Path) -> str:
    url = message.get("url", "")
    path = url.removeprefix("file:")
    rel = Path(path).relative_to(site).as_posix() if path.startswith(str(site)) else Path(path).name
    return f"{rel}:{message.get('lastLine', '?')}: {message['message']}"


def test_every_page_is_valid_html(site: Path, tmp_path: Path) -> None:
    pages = built_pages(site)
    assert pages == source_pages(), "the pages checked are the pages of the site"
    raw, repaired = tmp_path / "material.html", tmp_path / "repaired.html"
    raw.write_text(MATERIAL, encoding="utf-8")
    repaired.write_text(valid(MATERIAL), encoding="utf-8")
    messages = vnu([*(site / p for p in pages), raw, repaired])

    by_file: dict[str, list[dict]] = {}
    for m in messages:
        by_file.setdefault(m.get("url", "").removeprefix("file:"), []).append(m)
    material = [m["message"] for m in by_file.pop(str(raw), [])]
    assert any("tabindex" in m for m in material) and any("autocomplete" in m for m in material), \
        f"the checker should reject Material's own markup: {material}"
    assert str(repaired) not in by_file, [m["message"] for m in by_file[str(repaired)]]
    errors = [where(m, site) for ms in by_file.values() for m in ms]
    assert not errors, f"{len(errors)} Nu Html Checker error(s):\n" + "\n".join(errors)
