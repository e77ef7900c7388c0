"""Safe by construction: no page can run code or make the build fetch an address, the renderer is
the same on every machine the set-up makes, and its identity is part of every cache key.

Edits are made to throwaway copies of the project and run through the real commands (`build.py
--check`, `mkdocs build`) or the real renderers; nothing is mocked but the versions a test changes.
"""
from __future__ import annotations

import dataclasses
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from test_validation import ABOUT, ENV, append, assert_fails_clearly, check

from kit.checks import load_project
from kit.model import Project
from kit.errors import ContentError
from kit.errors import Problems
from kit.site.fill import fill


# --------------------------------------------------------------------------- no code runs from content
def payloads(marker: Path) -> list[str]:
    """Ways out of a template that work in plain Jinja; each would create `marker`."""
    cmd = f"touch {marker}"
    return [
        f"{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}",
        f"{{{{ lipsum.__globals__['os'].popen('{cmd}').read() }}}}",
        f"{{{{ board.__class__.__init__.__globals__['os'].system('{cmd}') }}}}",
        f"{{{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('{cmd}') }}}}",
        f"{{% for c in [].__class__.__base__.__subclasses__() %}}{{{{ c }}}}{{% endfor %}}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{{ range(10**9) | list }}",
        "{{ 'x' * 999999999999 }}",
        "{{ board.contacts[0].__dict__ }}",
        "{{ formerly.__globals__ }}",
    ]


def test_no_template_trick_runs_or_reads_anything(project, tmp_path: Path) -> None:
    from kit.site.filled import context_for

    marker = tmp_path / "ran"
    context = context_for(project)
    for payload in payloads(marker):
        p = Problems()
        text = f"First line.\n\n{payload}\n"
        assert fill(text, context, "docs/about.md", 10, p) == text, payload  # unfilled
        assert p.items, f"not refused: {payload}"
        assert all(str(item).startswith("docs/about.md: line 12: ") for item in p.items), (payload, p.items)
        assert not any("Traceback" in str(i) or "object at 0x" in str(i) for i in p.items)
    assert not marker.exists(), "a page ran a shell command"


@pytest.mark.slow
def test_a_shell_command_in_a_page_is_refused_by_check_and_by_mkdocs(tmp_path: Path) -> None:
    """The real path an editor's page takes: `make check` (build.py --check) and the MkDocs hook
    (`make build`, `make serve`). Both refuse it with the file and line; nothing runs."""
    root = copy_project(tmp_path / "project")
    marker = tmp_path / "ran"
    line = len((root / ABOUT).read_text(encoding="utf-8").splitlines()) + 2
    append(root, ABOUT, f"\n{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n")
    assert_fails_clearly(check(root), f"{ABOUT}: line {line}: ", "'cycler' is not a name a page can use",
                         "'.__init__' is not allowed")
    mkdocs = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "out")], cwd=root,
                            capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(root)}, timeout=300)
    assert mkdocs.returncode != 0 and f"{ABOUT}: line {line}: " in mkdocs.stdout + mkdocs.stderr, mkdocs.stderr[-2000:]
    assert not marker.exists(), "a page ran a shell command"


def test_a_misspelt_name_says_where_and_what_exists(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    line = len((root / ABOUT).read_text(encoding="utf-8").splitlines()) + 2
    append(root, ABOUT, "\nWritten by {{ board.nam }} with {{ bord.name }}.\n")
    assert_fails_clearly(check(root),
                         f"{ABOUT}: line {line}: 'board' has no field 'nam': did you mean 'name'? its fields are: name, short_name",
                         f"{ABOUT}: line {line}: 'bord' is not a name a page can use: did you mean 'board'? the names there are: added_offences_table, board,")


# --------------------------------------------------------------------------- data files
def test_a_yaml_mistake_in_links_gives_one_message_not_forty(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    links = root / "docs/data/links.yml"
    links.write_text(links.read_text(encoding="utf-8").replace("iwf:\n  url:", "iwf:\n url:", 1), encoding="utf-8")
    output = assert_fails_clearly(check(root), "docs/data/links.yml: line ", "the YAML cannot be read")
    assert "1 problem in the content:" in output, output


@pytest.mark.parametrize("rel", ["docs/data/links.yml", "mkdocs.yml", "docs/data/offences.yml"])
def test_a_file_not_saved_as_utf8_is_named_with_its_line(rel: str, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    f = root / rel
    lines = f.read_bytes().splitlines(keepends=True)
    lines.insert(1, "# Café\n".encode("latin-1"))  # line 2, as a Latin-1 editor saves it
    f.write_bytes(b"".join(lines))
    result = check(root)
    output = assert_fails_clearly(result, f"{rel}: line 2: is not saved as UTF-8 text", "position 6",
                                  "save it again as UTF-8")
    assert result.returncode == 1 and "fault in the build scripts" not in output, output


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    for rel in (ABOUT, "docs/data/links.yml", "docs/data/offences.yml", "docs/data/changes.yml"):
        f = root / rel
        f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    result = check(root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_phone_number_written_without_quotes_is_that_number(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'phone: "101"' in text and "phone: 01670 536400" in text
    text = text.replace('phone: "101"', "phone: 101").replace("phone: 01670 536400", "phone: 01670536400")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = check(root)
    assert result.returncode == 0, result.stdout + result.stderr
    phones = [c.phone for c in load_project(root).board.contacts]
    assert phones == ["01670536400", "101"], phones  # not the octal number 01670536400 would be in YAML 1.1


# --------------------------------------------------------------------------- the build fetches nothing
class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()


@pytest.mark.slow
def test_documents_fetch_nothing_from_another_host(project, listener, tmp_path: Path) -> None:
    from kit.documents.render import render

    base, requests = listener
    html = (f'<html lang="en-GB"><head><title>t</title><link rel="stylesheet" href="{base}/style.css"></head>'
            f'<body><p>Text</p><img src="{base}/tracker.png" alt="x"></body></html>')
    with pytest.raises(ContentError) as e:
        render(project, html, (ROOT / "documents").as_uri() + "/", tmp_path / "x.pdf", ())
    assert f"the address {base}/" in str(e.value) and "the build fetches nothing" in str(e.value), str(e.value)
    assert requests == [], f"the renderer asked the address: {requests}"
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_posters_fetch_nothing_from_another_host(project, listener, tmp_path: Path) -> None:
    from kit import posters

    base, requests = listener
    spec = posters.poster_specs(project)[0]
    job = posters.make_jobs(project, [spec], ["a4"], tmp_path / "cache")[0]
    job = dataclasses.replace(job, html=job.html.replace("</body>", f'<img src="{base}/tracker.png" alt="">\n</body>'))
    info = posters._run_job(job)
    assert "refused" in info and f"{base}/tracker.png" in info["refused"], info
    assert requests == [], f"the renderer asked the address: {requests}"


@pytest.mark.slow
def test_files_outside_the_project_are_not_read(project, tmp_path: Path) -> None:
    from kit.documents.render import render

    outside = tmp_path / "secret.css"
    outside.write_text("p { color: red }", encoding="utf-8")
    html = f'<html lang="en-GB"><head><title>t</title><link rel="stylesheet" href="{outside.as_uri()}"></head><body><p>x</p></body></html>'
    with pytest.raises(ContentError, match="would have been fetched"):
        render(project, html, (ROOT / "documents").as_uri() + "/", tmp_path / "x.pdf", ())


# --------------------------------------------------------------------------- the same renderer everywhere
def _mapped(code: str) -> set[Path]:
    """The shared libraries a fresh Python maps after running `code`."""
    script = code + "\nimport sys\nsys.stdout.write(open('/proc/self/maps').read())\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120).stdout
    return {Path(line.split()[-1]).resolve() for line in out.splitlines() if "/" in line and ".so" in line}


def _owner(lib: Path) -> str | None:
    candidates = [str(lib)]
    if str(lib).startswith("/usr/lib/"):  # merged /usr: dpkg may know the file under /lib
        candidates.append(str(lib).removeprefix("/usr"))
    for name in candidates:
        found = subprocess.run(["dpkg", "-S", name], capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def _with_dependencies(packages: set[str]) -> set[str]:
    todo, seen = list(packages), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        query = subprocess.run(["dpkg-query", "-W", "-f=${Depends},${Pre-Depends}", name], capture_output=True, text=True)
        for alt in re.split(r"[,|]", query.stdout):
            dep = re.sub(r"\(.*?\)|:\w+", "", alt).strip()
            if dep:
                todo.append(dep)
    return seen


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/maps").exists() or shutil.which("dpkg") is None, reason="needs Linux and dpkg")
def test_every_library_a_render_loads_comes_from_the_setup() -> None:
    """A library that is on this machine only because something else (Chromium) pulled it in would
    make a fresh machine render different bytes. Each library a WeasyPrint render maps, beyond those
    Python itself maps, must come from pip (the virtualenv) or from a package that
    scripts/system_deps.sh installs, or one of their dependencies."""
    render = ("from weasyprint import HTML\n"
              f"HTML(string='<p style=\"font-family: Atkinson Hyperlegible, sans-serif\">Hello <b>world</b></p>', "
              f"base_url='{(ROOT / 'docs').as_uri()}/').write_pdf()\n")
    baseline = _mapped("import ssl, ctypes, zlib, bz2, lzma, hashlib, json, sqlite3, uuid, decimal, xml.parsers.expat")  # Python's own
    loaded = _mapped(render) - baseline
    declared = set(subprocess.run(["bash", str(ROOT / "scripts" / "system_deps.sh"), "--list"],
                                  capture_output=True, text=True, check=True).stdout.split())
    assert "libharfbuzz-subset0" in declared
    allowed = _with_dependencies(declared)
    prefixes = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    unexplained = {}
    for lib in sorted(loaded):
        if any(lib.is_relative_to(p) for p in prefixes):
            continue  # a wheel's own library, installed by pip from requirements.txt
        owner = _owner(lib)
        if owner not in allowed:
            unexplained[str(lib)] = owner
    assert any("harfbuzz-subset" in str(lib) for lib in loaded), "WeasyPrint did not load HarfBuzz-Subset"
    assert not unexplained, f"libraries the set-up does not install (library: its package): {unexplained}"


def _poster_keys(root: Path, project: Project | None = None) -> list[str]:
    """The cache key of every poster of the project at `root` (loaded, unless given)."""
    from kit import posters

    project = project or load_project(root)
    return [j.key for j in posters.make_jobs(project, posters.poster_specs(project), ["a4", "a3"], root / ".cache" / "p")]


@pytest.mark.slow
@pytest.mark.parametrize("change", ["weasyprint", "pydyf", "pango", "harfbuzz-subset"])
def test_the_renderer_is_part_of_every_poster_cache_key(change: str, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text import ffi

    from kit import weasy

    weasy.renderer_identity.cache_clear()
    before = _poster_keys(ROOT, project)
    if change in ("weasyprint", "pydyf"):
        real = weasy.version
        monkeypatch.setattr(weasy, "version", lambda name: "0.0-other" if name == change else real(name))
    elif change == "pango":
        real_pango = ffi.pango

        class OtherPango:
            def __getattr__(self, name: str) -> object:
                return (lambda: 14999) if name == "pango_version" else getattr(real_pango, name)
        monkeypatch.setattr(ffi, "pango", OtherPango())
    else:
        monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    weasy.renderer_identity.cache_clear()
    try:
        after = _poster_keys(ROOT, project)
    finally:
        weasy.renderer_identity.cache_clear()
    assert not set(before) & set(after), f"changing {change} left cached posters valid"


@pytest.mark.slow
def test_a_changed_font_file_invalidates_the_posters(tmp_path: Path) -> None:
    """A font is not part of a poster's key but a file its render reads (kit/cachekeys.py): a cached
    poster whose font has changed is no longer served."""
    from kit import posters
    from kit.cachekeys import cached_entry

    root = copy_project(tmp_path / "project")
    project = load_project(root)
    cache = root / ".cache" / "p"
    posters.render_all(project, tmp_path / "out", only=["email"], sizes=["a4"], cache_dir=cache, print_shop=False)
    job = posters.make_jobs(project, [s for s in posters.poster_specs(project) if s.slug == "email"], ["a4"], cache)[0]
    assert cached_entry(cache, job.key, job.roots, ".pdf") is not None
    font = sorted((root / "docs/assets/fonts").glob("*.woff2"))[0]
    font.write_bytes(font.read_bytes() + b"\0")
    assert cached_entry(cache, job.key, job.roots, ".pdf") is None


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare")
def test_a_machine_without_harfbuzz_subset_gets_other_cache_keys() -> None:
    """The fresh-machine fault itself: the same sources on a machine without libharfbuzz-subset
    (hidden here in a private mount namespace) must not be served this machine's cached posters."""
    lib = next(iter(sorted(Path("/usr/lib").rglob("libharfbuzz-subset.so.0*"))), None)
    if lib is None:
        pytest.skip("libharfbuzz-subset is not installed here")
    code = ("import sys\nfrom test_safety import _poster_keys\nfrom pathlib import Path\n"
            "print('\\n'.join(_poster_keys(Path(sys.argv[1]))))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}  # this file, in a fresh interpreter
    here = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True, env=env)
    hidden = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind /dev/null "{lib.resolve()}" && exec "$@"', "-",
                             sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, env=env)
    if hidden.returncode != 0 and "mount" in hidden.stderr:
        pytest.skip(f"cannot hide the library here: {hidden.stderr.strip()[:200]}")
    assert hidden.returncode == 0, hidden.stderr[-2000:]
    assert here.stdout.split() and not set(here.stdout.split()) & set(hidden.stdout.split())
