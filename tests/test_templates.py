"""The kit's own templates (posters/, documents/) are compiled once per process, and a template edited
while a process runs (the preview while serving) is used from the next render on: never a stale one."""
from __future__ import annotations

from pathlib import Path

from kit import posters
from kit.checks import load_project
from kit.documents.render import templates

MARK = "<!-- edited while running -->"


def test_an_edited_poster_template_or_macro_is_used_by_the_next_render(project_copy: Path) -> None:
    project = load_project(project_copy)
    spec = next(s for s in posters.poster_specs(project) if s.layout == "topic")
    before = posters.poster_html(project, spec, "a4")
    assert posters.poster_html(load_project(project_copy), spec, "a4") == before  # the same from the kept environment
    layout = project_copy / "posters" / "topic" / "template.html"
    layout.write_text(layout.read_text(encoding="utf-8").replace("{% block body %}", "{% block body %}" + MARK, 1),
                      encoding="utf-8")
    edited = posters.poster_html(project, spec, "a4")
    assert MARK not in before and MARK in edited
    macros = project_copy / "posters" / "macros.html"  # imported by the layout, not rendered itself
    macros.write_text(macros.read_text(encoding="utf-8").replace("<li>", "<li>" + MARK, 1), encoding="utf-8")
    assert posters.poster_html(project, spec, "a4").count(MARK) > edited.count(MARK)


def test_an_edited_document_template_is_used_by_the_next_render(project_copy: Path) -> None:
    project = load_project(project_copy)
    assert templates(project) is templates(load_project(project_copy))  # one environment for the folder
    probe = project_copy / "documents" / "probe.html"
    probe.write_text("before {{ board.short_name }}", encoding="utf-8")
    assert templates(project).get_template("probe.html").render(board=project.board) == f"before {project.board.short_name}"
    probe.write_text(MARK, encoding="utf-8")
    assert templates(project).get_template("probe.html").render(board=project.board) == MARK
