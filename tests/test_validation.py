"""Every mistake an editor can make gives a clear message and a non-zero exit, never a traceback.

Each case edits a throwaway copy of the project, then runs `python scripts/build.py --check` (a
few run the full build) as the editor would, and checks the exit code, that the message names
the file and the line or field, and that no Python traceback is shown.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project, same_date, with_caches

# Judged on the day of the newest review in docs/ (not the real date, so a result never depends on when the tests run)
NEWEST_REVIEW = max(re.findall(r"(?m)^last_reviewed: (\d{4}-\d{2}-\d{2})", "\n".join(
    p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parent.parent / "docs").rglob("*.md"))))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SG_TODAY": NEWEST_REVIEW}
ENV.pop("SG_DEBUG", None)


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python scripts/build.py ARGS` in the copy, in a new process, as the editor runs it."""
    return subprocess.run([sys.executable, str(root / "scripts" / "build.py"), *args], cwd=root,
                          capture_output=True, text=True, env={**(env or ENV), "PYTHONPATH": str(root)}, timeout=600)


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python scripts/build.py --check ARGS` (`make check`) run in this process: the same
    kit.build.cli.main that scripts/build.py calls, with the same environment, its output and exit
    code returned as `run` returns them. A new Python process costs more than the check itself; `run`
    still proves the script end to end (test_the_real_content_passes, the GitHub annotations, a
    fault in the copy's own kit/), and a full build always runs as a process."""
    from kit.build.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(ENV)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--check", *args], root=root)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess([str(root / "scripts" / "build.py"), "--check", *args], code,
                                       out.getvalue(), err.getvalue())


def edit(root: Path, rel: str, old: str, new: str) -> None:
    f = root / rel
    text = f.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} is not in {rel}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(root: Path, rel: str, text: str) -> None:
    with (root / rel).open("a", encoding="utf-8") as f:
        f.write(text)


def with_lines(root: Path, text: str) -> str:
    """Fill in {line:FILE:START}: the number of the first line of FILE (as it was) starting with START."""
    def number(m: re.Match[str]) -> str:
        rel, start = m.group(1), m.group(2)
        lines = (root / rel).read_text(encoding="utf-8").splitlines()
        return str(next(i for i, line in enumerate(lines, start=1) if line.startswith(start)))
    return re.sub(r"\{line:([^:}]+):([^}]+)\}", number, text)


def assert_fails_clearly(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed:\n{output}"
    assert "Traceback" not in output, output
    for needle in expected:
        assert needle in output, f"{needle!r} is not in the message:\n{output}"
    return output


EMAIL = "docs/topics/email.md"
ABOUT = "docs/about.md"

# id -> (edits, what the message must contain). An edit is (file, old, new) or (file, None, text to append).
CASES: dict[str, tuple[list[tuple[str, str | None, str]], list[str]]] = {
    "bad-yaml": ([(EMAIL, "title: Email\n", "title: Email: the basics\n")],
                 [f"{EMAIL}: line {{line:{EMAIL}:title: Email}}: front matter: the YAML cannot be read"]),
    "front-matter-not-closed": ([(EMAIL, "qualifier: Either via mobile phones or web based software.\n---\n",
                                  "qualifier: Either via mobile phones or web based software.\n")],
                                [f"{EMAIL}: line 1: the front matter is not closed"]),
    "no-front-matter": ([(ABOUT, '---\ntitle: "About this guidance"', 'title: "About this guidance"')],
                        [f"{ABOUT}: line 1: the page must start with front matter"]),
    "unknown-field": ([(EMAIL, "title: Email\n", "title: Email\ncolour: red\n")],
                      [f"{EMAIL}: line {{line:{EMAIL}:description:}} (field colour): 'colour' is not a known field"]),
    "missing-field": ([(EMAIL, "description: Safer working practice for adults who work with children and families when using email.\n", "")],
                      [f"{EMAIL}: field description: is missing"]),
    "missing-topic-part": ([(EMAIL, "## Safe practice\n\n- Check your organisation policy regarding use of your work account for personal use e.g. shopping.\n\n", "")],
                           [f"{EMAIL}: the section '## Safe practice' is missing"]),
    "empty-list": ([(EMAIL, "- Check your organisation policy regarding use of your work account for personal use e.g. shopping.\n", "")],
                   [f"{EMAIL}: line {{line:{EMAIL}:## Safe practice}}: the list under 'Safe practice' is empty"]),
    "not-a-date": ([(EMAIL, "last_reviewed: 2026-11-25", "last_reviewed: 25/11/2026")],
                   [f"{EMAIL}: line {{line:{EMAIL}:last_reviewed:}} (field last_reviewed): '25/11/2026' is not a date"]),
    "impossible-date": ([(EMAIL, "next_review: 2027-11-25", "next_review: 2027-02-30")],
                        [f"{EMAIL}: line {{line:{EMAIL}:next_review:}} (field next_review): '2027-02-30' is not a real date"]),
    "missing-date": ([(EMAIL, "next_review: 2027-11-25\n", "")],
                     [f"{EMAIL}: field next_review: is missing: write the date as YYYY-MM-DD"]),
    "review-before-last-reviewed": ([(EMAIL, "next_review: 2027-11-25", "next_review: 2025-11-25")],
                                    [f"{EMAIL}: line {{line:{EMAIL}:next_review:}} (field next_review): 2025-11-25 is not after last_reviewed"]),
    "broken-internal-link": ([(ABOUT, None, "\nSee the [email page](topics/emial.md).\n")],
                             [f"{ABOUT}: line ", "the link 'topics/emial.md' goes to docs/topics/emial.md, which does not exist: did you mean 'topics/email.md'?"]),
    "broken-anchor": ([(ABOUT, None, "\nSee [its consequences](topics/email.md#consequences).\n")],
                      [f"{ABOUT}: line ", "points to a section '#consequences' that docs/topics/email.md does not have",
                       "#consequences-of-poor-practice"]),
    "broken-anchor-same-page": ([(ABOUT, None, "\nSee [the licence](#license).\n")],
                                [f"{ABOUT}: line ", "'#license' that this page does not have", "#licence"]),
    "missing-image": ([(ABOUT, None, "\n![Our team](assets/team-photo.jpg)\n")],
                      [f"{ABOUT}: line ", "the image 'assets/team-photo.jpg' is missing: put the file at docs/assets/team-photo.jpg"]),
    "missing-html-image": ([(ABOUT, None, '\n<img src="assets/chart.png" alt="A chart">\n')],
                           [f"{ABOUT}: line ", "the image 'assets/chart.png' is missing"]),
    "missing-fragment": ([(ABOUT, None, '\n--8<-- "immediate-danger-v2.md"\n')],
                         [f"{ABOUT}: line ", "the fragment 'immediate-danger-v2.md' does not exist"]),
    "missing-logo": ([("mkdocs.yml", "logo: &board_logo assets/board-logo.svg", "logo: &board_logo assets/our-logo.png")],
                     ["mkdocs.yml: field extra.board.logo: points to docs/assets/our-logo.png, which does not exist"]),
    "board-missing-key": ([("mkdocs.yml", "    short_name: NSCB", "    # short_name: NSCB")],
                          ["mkdocs.yml: field extra.board.short_name: is missing"]),
    "bad-colour": ([("mkdocs.yml", 'colour: "#1f4e79"', "colour: dark blue")],
                   ["mkdocs.yml: field extra.board.colour: 'dark blue' is not a colour"]),
    "contact-without-phone-or-address": ([("mkdocs.yml", '        phone: "101"\n', "")],
                                         ["mkdocs.yml: field extra.board.contacts[2]: has neither a phone number nor an address"]),
    "bad-mkdocs-yaml": ([("mkdocs.yml", "    short_name: NSCB", "   short_name: NSCB")],
                        ["mkdocs.yml: line {line:mkdocs.yml:    short_name:}: the YAML cannot be read"]),
    "offence-missing-statute": ([("docs/data/offences.yml", "    statute: Offences Against the Person Act 1861\n", "")],
                                ["docs/data/offences.yml: offence threats-to-kill field statute: is missing"]),
    "address-not-in-links": ([(ABOUT, None, "\nMore at https://www.example.org/guidance today.\n")],
                             [f"{ABOUT}: line ", "the address https://www.example.org/guidance is written into the page: add it to docs/data/links.yml"]),
    "link-id-not-in-links": ([(ABOUT, None, "\nSee [the helpline][pos-helpline].\n")],
                             [f"{ABOUT}: line ", "the link [pos-helpline] is not in docs/data/links.yml"]),
    "unfilled-placeholder": ([(ABOUT, None, "\nAsk (Insert name of designated person) for help.\n")],
                             [f"{ABOUT}: line ", "the fill-in field (Insert name of designated person) has not been filled in"]),
    "unknown-jinja-name": ([(ABOUT, None, "\nContact {{ board.phone_number }}.\n")],
                           [f"{ABOUT}: line ", "'board' has no field 'phone_number'", "its fields are: name, short_name"]),
    "page-not-in-nav": ([("docs/extra-page.md", None, "---\ntitle: Extra\ndescription: x\nlast_reviewed: 2026-11-25\nnext_review: 2027-11-25\n---\n\nText.\n")],
                        ["docs/extra-page.md: is not in the navigation"]),
    "nav-lists-missing-page": ([("mkdocs.yml", "      - whats-new.md\n", "      - whats-new.md\n      - news.md\n")],
                               ["mkdocs.yml: field nav: lists news.md, but docs/news.md does not exist"]),
    "changes-bad-entry": ([("docs/data/changes.yml", "- date: 2026-11-25\n  title: \"Web addresses brought up to date\"",
                            "- date: 2026-13-01\n  title: \"Web addresses brought up to date\"\n  author: me")],
                          ["docs/data/changes.yml: line ", "(field date): '2026-13-01' is not a real date",
                           "(field author): is not a known field"]),
    # Data files that cannot lie (issue "Safe by construction")
    "duplicate-link-id": ([("docs/data/links.yml", None, "\niwf:\n  url: https://www.example.org/\n  title: Not the IWF\n  checked_on: 2026-11-25\n")],
                          ["docs/data/links.yml: line ", "'iwf' is given twice, on line {line:docs/data/links.yml:iwf:} and on line ",
                           "the second would silently replace the first"]),
    "duplicate-front-matter-key": ([(EMAIL, "title: Email\n", "title: Email\ntitle: Phishing\n")],
                                   [f"{EMAIL}: line {{line:{EMAIL}:description:}}: front matter: 'title' is given twice, "
                                    f"on line {{line:{EMAIL}:title: Email}} and on line {{line:{EMAIL}:description:}}"]),
    "duplicate-mkdocs-key": ([("mkdocs.yml", "    short_name: NSCB", "    short_name: NSCB\n    short_name: XSCB")],
                             ["mkdocs.yml: line ", "'extra.board.short_name' is given twice, on line {line:mkdocs.yml:    short_name:}"]),
    "last-reviewed-in-future": ([(EMAIL, "last_reviewed: 2026-11-25", "last_reviewed: 2031-01-01")],
                                [f"{EMAIL}: line {{line:{EMAIL}:last_reviewed:}} (field last_reviewed): 2031-01-01 is in the future"]),
    "phone-with-words": ([("mkdocs.yml", "phone: 01670 536400", "phone: 0800 CALL NOW")],
                         ["mkdocs.yml: field extra.board.contacts[1].phone: '0800 CALL NOW' is not a phone number"]),
    "contact-email-not-an-address": ([("mkdocs.yml", '        phone: "101"\n', '        phone: "101"\n        email: police at example dot org\n')],
                                     ["mkdocs.yml: field extra.board.contacts[2].email: 'police at example dot org' is not an e-mail address"]),
    "site-url-http": ([("mkdocs.yml", "site_url: &board_site_url https://", "site_url: &board_site_url http://")],
                      ["mkdocs.yml: field extra.board.site_url: ", "starts with http://: use the https:// address"]),
    "offence-text-is-a-list": ([("docs/data/offences.yml", "    offence: Threats to kill\n", "    offence: [Threats, to kill]\n")],
                               ["docs/data/offences.yml: offence threats-to-kill field offence: must be text, but is a list"]),
    "offence-text-is-a-number": ([("docs/data/offences.yml", "    section: s.16\n", "    section: 16\n")],
                                 ["docs/data/offences.yml: offence threats-to-kill field section: must be text, but is a number"]),
    "link-url-http": ([("docs/data/links.yml", "  url: https://www.childline.org.uk/", "  url: http://www.childline.org.uk/")],
                      ["docs/data/links.yml: line {line:docs/data/links.yml:childline:} (link childline) field url: 'http://www.childline.org.uk/' starts with http://"]),
    "link-url-protocol-relative": ([("docs/data/links.yml", "  url: https://www.childline.org.uk/", "  url: //www.childline.org.uk/")],
                                   ["(link childline) field url: '//www.childline.org.uk/' starts with '//'"]),
    "link-title-is-a-list": ([("docs/data/links.yml", "  title: ChildLine\n", "  title: [Child, Line]\n")],
                             ["(link childline) field title: must be text, but is a list"]),
    "page-link-protocol-relative": ([(ABOUT, None, "\nSee [our partner](//partner.example.org/page).\n")],
                                    [f"{ABOUT}: line ", "the address '//partner.example.org/page' leaves out https"]),
    "front-matter-uses-braces": ([(ABOUT, 'title: "About this guidance"', 'title: "About {{ board.name }}"')],
                                 [f"{ABOUT}: line 2 (field title): cannot use {{{{ … }}}}"]),
    "site-url-not-the-boards": ([("mkdocs.yml", "site_url: *board_site_url", "site_url: https://www.example.org/")],
                                ["mkdocs.yml: field site_url: must be the board's own (https://", "write it as *board_site_url"]),
    "changes-unknown-page": ([("docs/data/changes.yml", "pages: [legal-consequences.md]", "pages: [legal.md]")],
                             ["docs/data/changes.yml: line ", "(field pages): 'legal.md' is not a page"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_is_reported_with_file_and_place(case: str, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edits, expected = CASES[case]
    expected = [with_lines(root, e) for e in expected]  # line numbers as the files were before the edit
    for rel, old, new in edits:
        if old is None:
            append(root, rel, new)
        else:
            edit(root, rel, old, new)
    output = assert_fails_clearly(check(root), *expected)
    assert "Nothing was published" in output


def test_not_utf8_page_is_reported(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    f = root / ABOUT
    f.write_bytes(f.read_bytes() + "\nCafé\n".encode("latin-1"))
    assert_fails_clearly(check(root), f"{ABOUT}: line ", "is not saved as UTF-8 text", "save it again as UTF-8")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    for case in ("bad-colour", "not-a-date", "broken-internal-link", "offence-missing-statute", "missing-image",
                 "unfilled-placeholder", "address-not-in-links"):
        for rel, old, new in CASES[case][0]:
            append(root, rel, new) if old is None else edit(root, rel, old, new)
    output = assert_fails_clearly(check(root), "problems in the content:")
    root = copy_project(tmp_path / "unedited")  # for the line numbers
    for case in ("bad-colour", "not-a-date", "broken-internal-link", "offence-missing-statute", "missing-image",
                 "unfilled-placeholder", "address-not-in-links"):
        for needle in map(lambda e: with_lines(root, e), CASES[case][1]):
            assert needle in output, f"{case}: {needle!r} missing from the combined report:\n{output}"


def test_full_build_with_a_broken_link_fails_before_writing_anything(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    append(root, ABOUT, "\nSee the [email page](topics/emial.md).\n")
    assert_fails_clearly(run(root), f"{ABOUT}: line ", "topics/emial.md", "Nothing was published")
    assert not (root / "site").exists()
    assert not list(root.glob(".site-building-*")), "the temporary build folder was left behind"


def site_step(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run only the build's MkDocs step (the steps before it, posters, are slow and not at fault
    here) and return what it told the editor."""
    from kit.build import engines

    with pytest.raises(engines.BuildFailed):
        engines.build_site(root, tmp_path / "out")
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return err


@pytest.mark.slow
def test_mkdocs_config_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mistake only MkDocs sees (a misspelt plugin) still names mkdocs.yml, with no traceback."""
    root = copy_project(tmp_path / "project")
    edit(root, "mkdocs.yml", "  - offline\n", "  - ofline\n")
    err = site_step(root, tmp_path, capsys)
    assert "mkdocs.yml: field plugins" in err and "ofline" in err, err


def test_unexpected_error_in_the_build_scripts_shows_no_traceback(tmp_path: Path) -> None:
    """A fault in our own code (here: kit made to crash) gives a short message and exit 2, not a traceback."""
    root = copy_project(tmp_path / "project")
    append(root, "kit/model/reviews.py", "\n\ndef schedule(*args, **kwargs):\n    raise RuntimeError('simulated fault')\n")
    result = run(root, "--check")  # a process: the fault is in the copy's own kit/
    output = assert_fails_clearly(result, "unexpected error (RuntimeError: simulated fault)", "SG_DEBUG=1")
    assert result.returncode == 2, output


@pytest.mark.slow
def test_mkdocs_strict_still_catches_what_kit_cannot_see(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """MkDocs' own link validation stays on (not hidden by --quiet) as a second line of defence:
    a broken link made by a {{ … }} name passes kit but fails the build, naming the page."""
    root = copy_project(tmp_path / "project")
    append(root, ABOUT, '\nSee the [email page](topics/{{ "emial.md" }}).\n')
    assert check(root).returncode == 0  # kit does not evaluate links written by {{ … }}
    err = site_step(root, tmp_path, capsys)
    assert "docs/about.md contains a link 'topics/emial.md'" in err, err


def test_editor_messages_turn_mkdocs_output_into_file_messages() -> None:
    from kit.build.engines import editor_messages

    root = Path("/proj")
    out = editor_messages(
        "INFO    -  Building documentation\n"
        "WARNING -  Doc file 'about.md' contains a link 'x.md', but the target is not found among documentation files.\n"
        "Traceback (most recent call last):\n"
        '  File "/proj/.venv/lib/python3.11/site-packages/mkdocs/x.py", line 3, in f\n'
        '  File "/proj/overrides/main.html", line 7, in template\n'
        "    {% if %}\n"
        "jinja2.exceptions.TemplateSyntaxError: Expected an expression\n"
        "Aborted with 1 warnings in strict mode!\n", root)
    assert out[0] == "docs/about.md contains a link 'x.md', but the target is not found among documentation files."
    assert out[1].startswith("overrides/main.html: line 7: unexpected error in a build step: jinja2.exceptions.TemplateSyntaxError")
    assert out[-1].startswith("Aborted")
    assert not any("INFO" in m or "Traceback" in m for m in out)


@pytest.mark.slow
def test_a_poster_that_cannot_fit_fails_the_build_with_what_to_cut(site: Path, tmp_path: Path) -> None:
    """The page itself is valid, but its poster would not fit on one page even at the smallest type.
    (The copy gets the session build's caches: only the edited page's outputs render.)"""
    root = with_caches(copy_project(tmp_path / "project"), site)
    point = "- Keep a written record of every online contact with a child, saying who, when, why and what was said, and share it with your manager.\n"
    edit(root, EMAIL, "## Safe practice\n", point * 40 + "\n## Safe practice\n")
    assert check(root).returncode == 0  # the words are fine for the site ...
    output = assert_fails_clearly(run(root, env=same_date(ENV)), f"{EMAIL}: A4 poster: the 'Email' poster does not fit on one A4 page",
                                  "Cut about", "Nothing was published")  # ... but not for the poster
    assert not (root / "site").exists()


def test_problems_as_github_annotations_name_the_file_and_line(tmp_path: Path) -> None:
    """`make check FORMAT=github` on real bad edits: one workflow command per problem, on stdout, with
    the file and line GitHub shows it on (and `%`, `:` and `,` escaped as the format requires)."""
    root = copy_project(tmp_path / "project")
    about_line = len((root / ABOUT).read_text(encoding="utf-8").splitlines()) + 2
    append(root, ABOUT, "\nContact {{ board.nam }} (100% sure, really: yes).\n")
    edit(root, EMAIL, "title: Email\n", "title: Email\ntitle: Phishing\n")
    result = run(root, "--check", "--format", "github")
    assert result.returncode == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert len(lines) == 2, result.stdout
    wanted = {(ABOUT, about_line), (EMAIL, with_lines(root, f"{{line:{EMAIL}:title: Phishing}}"))}
    got = set()
    for ln in lines:
        m = re.match(r"^::error file=([^,]+),line=(\d+),title=Content problem::(.+)$", ln)
        assert m, ln
        got.add((m.group(1), int(m.group(2))))
        assert "%" not in m.group(3).replace("%25", "").replace("%0A", "")
    assert got == {(f, int(n)) for f, n in wanted}
    assert "problems in the content" in result.stderr  # people reading the log still get the text
