"""Running the site engine (MkDocs + Material) and turning what it prints into the editor's terms."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


class BuildFailed(Exception):
    """A step failed; its own output has already said why."""



def editor_messages(output: str, root: Path | None = None) -> list[str]:
    """The warnings and errors of a MkDocs run in the editor's terms: file paths from the project
    root, no INFO chatter, and a Python traceback cut down to its last line (and the project file
    it happened in, such as a template under overrides/)."""
    out: list[str] = []
    in_traceback = False
    where = ""
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_traceback, where = True, ""
            continue
        if in_traceback:
            frame = re.match(r'^\s+File "([^"]+)", line (\d+)', line)
            if frame and root is not None and "site-packages" not in frame.group(1):
                try:
                    where = f"{Path(frame.group(1)).resolve().relative_to(root.resolve()).as_posix()}: line {frame.group(2)}: "
                except ValueError:
                    pass
            if line[:1] in (" ", "\t", "") or line.startswith(("During handling", "The above exception")):
                continue
            in_traceback = False
            error = line.strip().rpartition(": ")[2]
            if not any(error in seen for seen in out):  # not already said by MkDocs' own ERROR line
                out.append(f"{where}unexpected error in a build step: {line.strip()} (run with SG_DEBUG=1 for the details)")
            continue
        m = re.match(r"^(WARNING|ERROR)\s*-\s*(.*)$", line) or re.match(r"^(Error|Aborted)\b:?\s*(.*)$", line)
        if m:
            text = re.sub(r"\b(?:Doc file|Error reading page) '([^']+)'", r"docs/\1", m.group(2).strip())
            text = re.sub(r"^Config value '([^']+)'", r"mkdocs.yml: field \1", text)
            out.append(text if m.group(1) != "Aborted" else f"Aborted {text}")
        elif out and line.startswith((" ", "\t")) and line.strip():
            out[-1] += " " + line.strip()
    return sorted(out, key=lambda m: m.startswith("Aborted"))  # the summary last



def build_site(root: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # The engine loads the kit of the project it builds (its hook and Markdown extension), not
    # another checkout's: the same code as this process when building a copy of the project.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    # Not --quiet: with it MkDocs drops its warnings before --strict can count them, so a broken
    # link would pass. Its output is captured and shown as editor_messages instead.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(out)]
    run = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if os.environ.get("SG_DEBUG"):
        print(run.stdout + run.stderr, file=sys.stderr)
    else:
        for message in editor_messages(run.stdout + "\n" + run.stderr, root):
            print(f"  - {message}", file=sys.stderr)
    if run.returncode != 0:
        raise BuildFailed("the site did not build (see the messages above)")

