"""No script, no tracker, no fetch: raw HTML and Markdown a guidance page must never publish.

The cases edit a throwaway copy of the project and run `scripts/build.py --check` as `make check`
does: exit 1, the file and line (or field), plain words, nothing built. The unit tests call
kit/html_policy.py and kit/markup_checks.py directly. The real content must pass (no false positives).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from kit import html_policy, markup_checks
from test_validation import append, assert_fails_clearly, check, edit, run

ABOUT = "docs/about.md"
EMAIL = "docs/topics/email.md"
CHANGES = "docs/data/changes.yml"
OFFENCES = "docs/data/offences.yml"
LINKS = "docs/data/links.yml"
NOT_ALLOWED = "is not allowed in a page"
SCRIPTS = "pages may not run scripts"
ELSEWHERE = "from another site"

# id -> (edits, what the message must say). An edit is (file, old, new), or (file, None, text to append).
# "{line:FILE:TEXT}" is the line of the edited FILE that contains TEXT.
CASES: dict[str, tuple[list[tuple[str, str | None, str]], list[str]]] = {
    "script": ([(ABOUT, None, "\n<script>alert('hi')</script>\n")],
               [f"{ABOUT}: line {{line:{ABOUT}:<script>alert}}: <script> {NOT_ALLOWED}: {SCRIPTS}"]),
    "onerror": ([(ABOUT, None, '\n<img src="assets/board-logo.svg" alt="" onerror="alert(1)">\n')],
                [f"{ABOUT}: line {{line:{ABOUT}:onerror}}: the onerror attribute is not allowed (on <img>): {SCRIPTS}"]),
    "onclick-in-markdown-block": ([(ABOUT, None, '\n<div markdown>\n\n<span onclick="steal()">Click</span>\n\n</div>\n')],
                                  [f"{ABOUT}: line {{line:{ABOUT}:onclick}}: the onclick attribute is not allowed (on <span>)"]),
    "onclick-attribute-list": ([(ABOUT, None, '\n## Contact us {: onclick="steal()" }\n')],
                               [f"{ABOUT}: line {{line:{ABOUT}:## Contact us}}: the onclick attribute is not allowed (on <h2>)"]),
    "javascript-html-link": ([(ABOUT, None, '\n<a href="javascript:alert(1)">Help</a>\n')],
                             [f"{ABOUT}: line {{line:{ABOUT}:<a href=\"javascript}}: the address 'javascript:alert(1)' is not allowed: javascript: addresses run code"]),
    "javascript-markdown-link": ([(ABOUT, None, "\nSee [help](javascript:alert(1)).\n")],
                                 [f"{ABOUT}: line {{line:{ABOUT}:[help](javascript}}: the address 'javascript:alert(1)' is not allowed"]),
    "javascript-entity-link": ([(ABOUT, None, "\nSee [help](&#106;avascript:alert(1)).\n")],
                               [f"{ABOUT}: line {{line:{ABOUT}:[help](&#106;}}: the address 'javascript:alert(1)' is not allowed"]),
    "vbscript-link": ([(ABOUT, None, '\n<a href="vbscript:msgbox(1)">Help</a>\n')],
                      ["the address 'vbscript:msgbox(1)' is not allowed: vbscript: addresses run code"]),
    "data-image": ([(ABOUT, None, "\n![A chart](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)\n")],
                   [f"{ABOUT}: line {{line:{ABOUT}:![A chart](data:}}: the address 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' is not allowed: data: addresses"]),
    "data-link": ([(ABOUT, None, '\n<a href="data:text/html,<script>alert(1)</script>">x</a>\n')],
                  [f"{ABOUT}: line {{line:{ABOUT}:data:text}}: the address 'data:text/html,", "data: addresses can hide"]),
    "iframe": ([(ABOUT, None, '\n<iframe src="https://www.youtube.com/embed/x"></iframe>\n')],
               [f"{ABOUT}: line {{line:{ABOUT}:<iframe}}: <iframe> {NOT_ALLOWED}: pages may not embed other sites or files; link to it instead with [text][id]"]),
    "object": ([(ABOUT, None, '\n<object data="assets/film.swf"></object>\n')],
               [f"{ABOUT}: line {{line:{ABOUT}:<object}}: <object> {NOT_ALLOWED}: pages may not embed"]),
    "embed": ([(ABOUT, None, '\n<embed src="assets/film.swf">\n')],
              [f"{ABOUT}: line {{line:{ABOUT}:<embed}}: <embed> {NOT_ALLOWED}: pages may not embed"]),
    "meta-refresh": ([(ABOUT, None, '\n<meta http-equiv="refresh" content="0; url=https://example.org/">\n')],
                     [f"{ABOUT}: line {{line:{ABOUT}:<meta}}: <meta> {NOT_ALLOWED}: it can redirect readers"]),
    "base": ([(ABOUT, None, '\n<base href="https://example.org/">\n')],
             [f"{ABOUT}: line {{line:{ABOUT}:<base}}: <base> {NOT_ALLOWED}: it can send every link on the page to another site"]),
    "form": ([(ABOUT, None, '\n<form action="https://example.org/collect"><input name="q"></form>\n')],
             [f"{ABOUT}: line {{line:{ABOUT}:<form}}: <form> {NOT_ALLOWED}: it can send what readers type",
              "it also points at another site ('https://example.org/collect')"]),
    "body-onload": ([(ABOUT, None, '\n<body onload="alert(1)">\n')],
                    [f"{ABOUT}: line {{line:{ABOUT}:<body}}: <body> {NOT_ALLOWED}"]),
    "style-element-url": ([(ABOUT, None, "\n<style>body { background: url(https://tracker.example/p.gif) }</style>\n")],
                          [f"{ABOUT}: line {{line:{ABOUT}:<style>}}: <style> {NOT_ALLOWED}", "this one also loads a file from another site"]),
    "style-attribute-url": ([(ABOUT, None, '\n<p style="background: url(//tracker.example/p.gif)">Hello</p>\n')],
                            [f"{ABOUT}: line {{line:{ABOUT}:<p style}}: the style attribute is not allowed (on <p>)", "It also loads a file from another site."]),
    "link-stylesheet": ([(ABOUT, None, '\n<link rel="stylesheet" href="https://cdn.example/x.css">\n')],
                        [f"{ABOUT}: line {{line:{ABOUT}:<link}}: <link> {NOT_ALLOWED}: it loads files"]),
    "img-other-host": ([(ABOUT, None, '\n<img src="https://tracker.example/p.gif" alt="">\n')],
                       [f"{ABOUT}: line {{line:{ABOUT}:tracker.example}}: <img> loads an image {ELSEWHERE} ('https://tracker.example/p.gif')",
                        "put the file in docs/assets/"]),
    "img-protocol-relative": ([(ABOUT, None, '\n<img src="//tracker.example/p.gif" alt="">\n')],
                              [f"{ABOUT}: line {{line:{ABOUT}:tracker.example}}: <img> loads an image {ELSEWHERE} ('//tracker.example/p.gif')"]),
    "img-srcset": ([(ABOUT, None, '\n<img src="assets/board-logo.svg" srcset="https://tracker.example/p.gif 2x" alt="">\n')],
                   [f"{ABOUT}: line {{line:{ABOUT}:srcset}}: <img> loads an image {ELSEWHERE} ('https://tracker.example/p.gif')"]),
    "video-poster": ([(ABOUT, None, '\n<video poster="//tracker.example/p.jpg"></video>\n')],
                     [f"{ABOUT}: line {{line:{ABOUT}:<video}}: <video> {NOT_ALLOWED}: use Markdown instead",
                      "it also points at another site ('//tracker.example/p.jpg')"]),
    "markdown-image-other-host": ([(ABOUT, None, "\n![Our logo](https://tracker.example/logo.png)\n")],
                                  [f"{ABOUT}: line {{line:{ABOUT}:![Our logo]}}: <img> loads an image {ELSEWHERE} ('https://tracker.example/logo.png')"]),
    "markdown-image-from-links-yml": ([(ABOUT, None, "\n![The IWF][iwf]\n")],
                                      [f"{ABOUT}: line {{line:{ABOUT}:![The IWF]}}: <img> loads an image {ELSEWHERE} ('https://"]),
    "protocol-relative-markdown-link": ([(ABOUT, None, "\nSee [help](//example.org/help).\n")],
                                        [f"{ABOUT}: line {{line:{ABOUT}:[help](//}}: the address '//example.org/help' leaves out https"]),
    "html-link-to-other-site": ([(ABOUT, None, '\n<a href="https://example.org/help">Help</a>\n')],
                                [f"{ABOUT}: line {{line:{ABOUT}:<a href=}}: the link to https://example.org/help is written into the page as HTML: add the address to docs/data/links.yml"]),
    "fenced-block-is-not-code-here": ([(ABOUT, None, "\n```\n<script>alert(1)</script>\n```\n")],
                                      [f"{ABOUT}: line {{line:{ABOUT}:<script>alert}}: <script> {NOT_ALLOWED}"]),
    "script-made-by-an-expression": ([(ABOUT, None, '\n{{ "<script>alert(1)</script>" }}\n')],
                                     [f"{ABOUT}: <script> {NOT_ALLOWED}: {SCRIPTS} (it is written by a {{{{ … }}}} expression"]),
    "unclosed-div": ([(ABOUT, "## Adapting it for your board", '<div class="sg-note" markdown>\n\n## Adapting it for your board')],
                     [f"{ABOUT}: line {{line:{ABOUT}:<div class=\"sg-note\"}}: <div> is opened here but never closed: add </div> where it ends"]),
    "unclosed-section": ([(EMAIL, "## Safe practice", "<section>\n\n## Safe practice")],
                         [f"{EMAIL}: line {{line:{EMAIL}:<section>}}: <section> is opened here but never closed"]),
    "stray-closing-tag": ([(ABOUT, None, "\nThe end.\n</div>\n")],
                          [f"{ABOUT}: line {{line:{ABOUT}:</div>}}: </div> closes nothing: remove it"]),
    "front-matter-title": ([(EMAIL, "title: Email\n", 'title: "Email <img src=x onerror=alert(1)>"\n')],
                           [f"{EMAIL}: line {{line:{EMAIL}:title:}} (field title): contains HTML (<img>): write plain text here"]),
    "front-matter-description-link": ([(EMAIL, "description: Safer working practice for adults who work with children and families when using email.\n",
                                        'description: "[Safer](javascript:alert(1)) working practice when using email."\n')],
                                      [f"{EMAIL}: line {{line:{EMAIL}:description:}} (field description): the address 'javascript:alert(1)' is not allowed"]),
    "changes-yml": ([(CHANGES, 'title: "Web addresses brought up to date"', 'title: "Web addresses <script>alert(1)</script>"')],
                    [f"{CHANGES}: line ", "(field title): contains HTML (<script>): write plain text here"]),
    "changes-yml-item-image": ([(CHANGES, "  changes:\n    - ", "  changes:\n    - \"![x](https://tracker.example/p.gif)\"\n    - ")],
                               [f"{CHANGES}: line {{line:{CHANGES}:tracker.example}} (field changes): <img> loads an image {ELSEWHERE}"]),
    "offences-yml": ([(OFFENCES, "    statute: Offences Against the Person Act 1861\n",
                       "    statute: \"Offences Against the Person Act 1861<iframe src=x></iframe>\"\n")],
                     [f"{OFFENCES}: offence threats-to-kill field statute: contains HTML (<iframe>)"]),
    "links-yml-note": ([(LINKS, 'note: "CEOP has been part', 'note: "<b onmouseover=alert(1)>Hi</b> CEOP has been part')],
                       [f"{LINKS}: line {{line:{LINKS}:ceop-safety-centre:}} (link ceop-safety-centre, field note): contains HTML (<b>)"]),
    "board-name": ([("mkdocs.yml", "name: Northumberland Safeguarding Children Board   #",
                     'name: "Northumberland <script>alert(1)</script>"   #')],
                   ["mkdocs.yml: field extra.board.name: contains HTML (<script>)"]),
    "board-contact-url": ([("mkdocs.yml", '        phone: "101"\n', '        phone: "101"\n        url: "javascript:alert(1)"\n')],
                          ["mkdocs.yml: field extra.board.contacts[2].url: 'javascript:alert(1)' is not a full web address"]),
    "fragment": ([("docs/includes/immediate-danger.md", None, '\n<img src="https://tracker.example/p.gif" alt="">\n')],
                 [f"docs/includes/immediate-danger.md: line {{line:docs/includes/immediate-danger.md:tracker}}: <img> loads an image {ELSEWHERE}"]),
    "svg-logo-script": ([("docs/assets/board-logo.svg", "</svg>", "<script>alert(1)</script>\n</svg>")],
                        ["docs/assets/board-logo.svg: line {line:docs/assets/board-logo.svg:<script>}: <script> is not allowed in an image"]),
    "svg-logo-onload-and-other-site": ([("docs/assets/board-logo.svg", 'role="img"', 'role="img" onload="alert(1)"'),
                                        ("docs/assets/board-logo.svg", '<circle ', '<image href="https://tracker.example/p.gif"/><circle ')],
                                       ["docs/assets/board-logo.svg: line 1: the onload attribute is not allowed in an image: it runs a script",
                                        "docs/assets/board-logo.svg: line {line:docs/assets/board-logo.svg:tracker}: <image> points at 'https://tracker.example/p.gif'"]),
    "html-file-in-docs": ([("docs/assets/extra.html", None, "<script>alert(1)</script>")],
                          ["docs/assets/extra.html: an HTML file in docs/ would be published as it is, unchecked"]),
}


def with_lines(root: Path, text: str) -> str:
    def number(m: re.Match[str]) -> str:
        lines = (root / m.group(1)).read_text(encoding="utf-8").splitlines()
        return str(next(i for i, line in enumerate(lines, start=1) if m.group(2) in line))
    return re.sub(r"\{line:([^:}]+):([^}]+)\}", number, text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_fails_the_check_with_file_line_and_reason(case: str, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edits, expected = CASES[case]
    for rel, old, new in edits:
        append(root, rel, new) if old is None else edit(root, rel, old, new)
    result = check(root)
    output = assert_fails_clearly(result, *(with_lines(root, e) for e in expected), "Nothing was published")
    assert result.returncode == 1, output


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    for case in ("script", "iframe", "front-matter-title", "changes-yml", "unclosed-section"):
        for rel, old, new in CASES[case][0]:
            append(root, rel, new) if old is None else edit(root, rel, old, new)
    output = assert_fails_clearly(check(root))
    for case in ("script", "iframe", "front-matter-title", "changes-yml", "unclosed-section"):
        for needle in CASES[case][1]:
            assert with_lines(root, needle) in output, f"{case}: {needle!r} missing:\n{output}"


def test_one_message_for_each_fault(tmp_path: Path) -> None:
    """A refused element is one problem, whatever it carries; a title shown on other pages is named once, in its page."""
    root = copy_project(tmp_path / "project")
    for case in ("body-onload", "iframe", "front-matter-title"):
        for rel, old, new in CASES[case][0]:
            append(root, rel, new) if old is None else edit(root, rel, old, new)
    output = assert_fails_clearly(check(root))
    assert "3 problems in the content:" in output, output


def test_a_broken_mkdocs_yml_does_not_hide_a_script(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root, "mkdocs.yml", "    short_name: NSCB", "   short_name: NSCB")  # unreadable YAML
    append(root, ABOUT, "\n<script>alert(1)</script>\n")
    output = assert_fails_clearly(check(root), "mkdocs.yml: line ", "the YAML cannot be read")
    assert with_lines(root, f"{ABOUT}: line {{line:{ABOUT}:<script>}}: <script> {NOT_ALLOWED}") in output, output


def test_full_build_refuses_and_builds_nothing(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    append(root, ABOUT, '\n<img src="x.png" alt="" onerror="alert(1)">\n')
    result = run(root)
    assert_fails_clearly(result, "the onerror attribute is not allowed", "Nothing was published")
    assert result.returncode == 1
    assert not (root / "site").exists()


def test_examples_in_code_are_text_and_the_content_passes(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    append(root, ABOUT, "\nWrite `<script>` or `<iframe src=\"https://example.org\">` and the check refuses it.\n")
    result = check(root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_real_content_passes() -> None:
    result = run(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


# ---- the module itself ----------------------------------------------------------------------

MD = markup_checks.markdown_converter(["admonition", "attr_list", "md_in_html", "tables", "toc"])
DOCS = ROOT / "docs"


def messages(text: str, page_dir: str = "") -> list[tuple[int | None, str]]:
    return markup_checks.check_markdown(text, MD, page_dir, DOCS)


@pytest.mark.parametrize("text", [
    "<img src=x onerror=alert(1)>", "<img\nsrc=x\nonerror=alert(1)>", "<IMG SRC=x OnError=alert(1)>", "<svg onload=alert(1)>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<a href=\" JAVASCRIPT:alert(1)\">x</a>",
    "[x](javascript:alert(1))", "![x](data:image/png;base64,AA)", "<iframe srcdoc=x></iframe>",
    "<math><mi href=javascript:alert(1)>x</mi></math>", "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
    "<img src=\"/\\tracker.example/p.gif\">", "<p style=\"color:red\">x</p>", "<template><script>x</script></template>",
    "<head><base href=//x></head>", "<html onclick=alert(1)>", "<details ontoggle=alert(1) open>x</details>",
])
def test_refused(text: str) -> None:
    assert messages(text), f"{text!r} was let through"


@pytest.mark.parametrize("text", [
    '<div class="sg-note" markdown>\n\n**Note** [a page](topics/email.md) and ![logo](assets/board-logo.svg)\n\n</div>',
    '<mark class="sg-placeholder">(Insert name)</mark>', '<a href="downloads/guide.pdf" id="sg-guide">Guide</a>',
    "`<script>alert(1)</script>` is how a script looks", "Mail [us](mailto:a@example.org) or call [101](tel:101).",
    "<!-- an editor's note -->", "5 < 6 and 7 > 3", '<span aria-hidden="true" data-sg-fill="x">x</span>',
    "| a | b |\n|:--|--:|\n| 1 | 2 |", '<img src="downloads/posters/email.png" alt="" width="160" height="226" loading="lazy">',
])
def test_allowed(text: str) -> None:
    assert messages(text) == []


def test_the_kit_s_own_page_scripts_only() -> None:
    assert messages('<script src="assets/javascripts/sg-checklist.js"></script>') == []
    assert messages('<script src="../assets/javascripts/sg-builder.js"></script>', "policy") == []
    assert messages('<script src="assets/javascripts/nope.js"></script>')  # no such file
    assert messages('<script src="assets/javascripts/site.js">alert(1)</script>')  # code in the page
    assert messages('<script src="assets/javascripts/site.js" onload="x()"></script>')
    assert messages('<script src="https://cdn.example/assets/javascripts/site.js"></script>')
    assert messages('<script src="../assets/javascripts/sg-builder.js"></script>')  # escapes docs/


def test_lines_of_findings_and_unbalanced_tags() -> None:
    text = "Intro\n\n<div markdown>\n\n<img src=a onerror=b>\n\n</section>\n`<b onclick=x>`\n<i onclick=y>z</i>\n"
    out = messages(text)
    assert (5, "the onerror attribute is not allowed (on <img>): pages may not run scripts") in out
    assert (9, "the onclick attribute is not allowed (on <i>): pages may not run scripts") in out
    assert any(line == 7 and m.startswith("</section> closes nothing") for line, m in out)
    assert any(line == 3 and m.startswith("<div> is opened here but never closed") for line, m in out)
    assert len(out) == 4, out


def test_allow_list_starts_from_nh3() -> None:
    import nh3

    assert set(nh3.ALLOWED_TAGS) <= html_policy.ALLOWED_TAGS
    assert not {"script", "style", "iframe", "object", "embed", "form", "meta", "link", "base"} & set(nh3.ALLOWED_TAGS)
    assert markup_checks.plain_text_problem("Email & phones < 3") is None
    assert "contains HTML (<b>)" in (markup_checks.plain_text_problem("<b>Email</b>") or "")


# ---- the link check over the built site (kit/links/) ---------------------------------------

def test_the_built_sites_link_check_refuses_scripts_in_a_pages_content(site: Path, tmp_path: Path) -> None:
    import shutil

    from kit.links.checker import check_site

    real = [str(p) for p in check_site(ROOT, site).errors if "in the page's content" in p.why]
    assert real == [], real  # Material's own inline scripts are outside <article>: not the content's
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "about.html"
    injected = ('<img src="assets/board-logo.svg" alt="" onerror="alert(1)"><script>alert(2)</script>'
                '<span onclick="alert(3)">x</span><img src="https://tracker.example/p.gif" alt="">')
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", injected + "</article>", 1), encoding="utf-8")
    got = [str(p) for p in check_site(ROOT, copy).errors if p.page == "about.html"]
    for why in ("the onerror attribute is not allowed (on <img>)", "<script> is not allowed in a page",
                "the onclick attribute is not allowed (on <span>)", "<img> loads an image from another site"):
        assert any(f"about.html (from docs/about.md): in the page's content: {why}" in line for line in got), (why, got)
