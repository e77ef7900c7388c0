"""The two engines that can build the site's pages from the same docs/ and mkdocs.yml: MkDocs +
Material (the default) and Zensical, Material's successor (Material reaches end of life on 5 May
2027). Both fill the pages through kit.build.extension; the pipeline around them is the same."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from .extension import CHECKED_ENV
from .preview import poster_preview
from .preview_page import PREVIEW_DIR, STAMP, URL_ENV

ENGINES = ("mkdocs", "zensical")


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


def engine_env(root: Path, checked: str | None = None) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop(CHECKED_ENV, None)
    if checked:  # the sources the build has just checked (kit.build.extension.checked_sources)
        env[CHECKED_ENV] = checked
    # The engine loads the kit of the project it builds (its Markdown extension, the MkDocs hook), not
    # another checkout's: the same code as this process when building a copy of the project.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    return env


def _report(run: subprocess.CompletedProcess[str], root: Path, what: str) -> None:
    if os.environ.get("SG_DEBUG"):
        print(run.stdout + run.stderr, file=sys.stderr)
    else:
        for message in editor_messages(run.stdout + "\n" + run.stderr, root):
            print(f"  - {message}", file=sys.stderr)
    if run.returncode != 0:
        raise BuildFailed(f"the site did not build with {what} (see the messages above)")


@contextmanager
def _running(cmd: list[str], root: Path, checked: str | None, what: str) -> Iterator[list[str]]:
    """The engine's process (a group of its own) running while the block runs; then its output
    reported (BuildFailed if it failed). Yields a list that holds its output once it has ended. The
    group is stopped if the block fails."""
    output: list[str] = []
    # files, not pipes: nobody reads them while the block runs
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, cwd=root, env=engine_env(root, checked), stdout=out, stderr=err,
                                   start_new_session=True)
        try:
            yield output
            process.wait()
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in (out, err):
            log.seek(0)
            output.append(log.read().decode("utf-8", errors="replace"))
    _report(subprocess.CompletedProcess(cmd, process.returncode, *output), root, what)
    output[:] = ["\n".join(output)]


@contextmanager
def _mkdocs(root: Path, out: Path, checked: str | None) -> Iterator[None]:
    # Not --quiet: with it MkDocs drops its warnings before --strict can count them, so a broken
    # link would pass. Its output is captured and shown as editor_messages instead.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(out)]
    with _running(cmd, root, checked, "MkDocs"):
        yield


def _zensical_config(folder: Path, root: Path, site_dir: str, watch: str | None = None) -> Path:
    """mkdocs.yml for Zensical in `folder`, naming `site_dir` (Zensical takes no output folder on its
    command line, and only one inside the folder its config is in) and a file to `watch`, if any."""
    config = folder / "mkdocs.yml" if folder != root else root / ".zensical-serve.yml"
    extra = f"site_dir: {site_dir}\n" + (f"watch:\n  - {watch}\n" if watch else "")
    config.write_text((root / "mkdocs.yml").read_text(encoding="utf-8")
                      + f"\n# added for this run only (kit/build/engines.py)\n{extra}", encoding="utf-8")
    return config


@contextmanager
def _zensical(root: Path, out: Path, checked: str | None) -> Iterator[None]:
    """Zensical builds a copy of docs/ and overrides/ in a folder of its own: it keeps its page cache
    in its project's .cache/, keyed on the Markdown alone (kit fills pages from other files too), and
    its --clean would empty root/.cache, where the kit keeps its own caches. A new folder each build
    gives it no cache to trust. The pages are still filled from `root` (the extension runs there)."""
    with tempfile.TemporaryDirectory(dir=root, prefix=".zensical-") as tmp:
        folder = Path(tmp)
        for name in ("docs", "overrides"):
            shutil.copytree(root / name, folder / name)
        config = _zensical_config(folder, root, "site")
        cmd = [sys.executable, "-m", "zensical", "build", "--strict", "--config-file", str(config)]
        with _running(cmd, root, checked, "Zensical") as output:
            yield
        built = folder / "site"
        if not (built / "index.html").is_file():
            raise BuildFailed(f"Zensical wrote no site:\n{output[0][-2000:]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(built), str(out))


def site_building(root: Path, out: Path, engine: str = "mkdocs", checked: str | None = None) -> AbstractContextManager[None]:
    """The site's pages built from `root` into `out` by `engine` (one of ENGINES) in its own process
    while the block runs: done when the block ends (BuildFailed if the engine failed). `checked`:
    kit.build.extension.checked_sources(root) from before the caller checked the content."""
    if engine not in ENGINES:
        raise BuildFailed(f"unknown engine '{engine}': choose {' or '.join(ENGINES)}")
    return (_zensical if engine == "zensical" else _mkdocs)(root, out, checked)


def build_site(root: Path, out: Path, engine: str = "mkdocs", checked: str | None = None) -> None:
    """Build the site's pages from `root` into `out` with `engine` (site_building, waited for)."""
    with site_building(root, out, engine, checked):
        pass


def serve(root: Path, engine: str = "mkdocs", address: str = "127.0.0.1:8000") -> int:
    """Live preview while editing. A content problem is shown on the page being edited, with the
    file and line (SG_SERVE=1 tells kit.build.extension), as well as in the terminal. A page with
    posters shows them too, re-rendered in the background after each save (kit.build.preview)."""
    stamp = (PREVIEW_DIR / STAMP).as_posix()  # rewritten after each poster render: rebuild and reload
    config = None
    try:
        with poster_preview(root, address.rpartition(":")[0], engine_address=address) as url:
            env = {**engine_env(root), "SG_SERVE": "1", URL_ENV: url}
            if engine == "zensical":  # the real docs/ (edits show at once); its cache is only for the preview
                config = _zensical_config(root, root, ".zensical-serve", watch=stamp)
                cmd = [sys.executable, "-m", "zensical", "serve", "--config-file", str(config), "--dev-addr", address]
            else:
                cmd = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(root / "mkdocs.yml"),
                       "--dev-addr", address, "--watch", stamp]
            return subprocess.run(cmd, cwd=root, env=env).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if config is not None:
            config.unlink(missing_ok=True)
            shutil.rmtree(root / ".zensical-serve", ignore_errors=True)
