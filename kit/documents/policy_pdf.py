"""The model policy (with Appendix 1), the fillable declaration form and the managers' checklist as
PDFs: made from documents/<name>/template.html with the text of their pages."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import long_date
from ..model.checklist import checklist_groups
from ..model.topics import CHECKLIST_PAGE, FORM_PAGE, POLICY_PAGE
from .content import Block, document_date, form_document, inline_html, language, page_url, policy_document
from .cache import cached_render
from .render import Rendered, css_urls, documents_dir, metadata, templates

if TYPE_CHECKING:
    from ..model import Project


def _template_pdf(project: Project, template: str, css: str, out: Path, paths: tuple[str, ...], title: str,
                  description: str, *, forms: bool = False, **context: Any) -> Rendered:
    html = templates(project).get_template(template).render(
        lang=language(project), board=project.board, meta=metadata(project, title, paths, description),
        stylesheets=css_urls(project, css), footer=f"{title} · {project.board.short_name}", **context)
    return cached_render(project, html, documents_dir(project).as_uri() + "/", out, pdf_forms=forms)


def _retarget(project: Project, blocks: list[Block], local: dict[str, str]) -> None:
    """Links between pages (written 'employee-declaration-form.md'): to a part of this document
    when it holds that page, otherwise to the page on the board's site."""
    for b in blocks:
        for r in b.runs:
            if r.href and not re.match(r"^[a-z]+:|^#", r.href):
                path, _, fragment = r.href.partition("#")
                target = posixpath.normpath(posixpath.join("policy", path))
                r.href = local.get(target) or page_url(project, target, fragment)


def policy_pdf(project: Project, out: Path) -> Rendered:
    policy = policy_document(project)
    form = form_document(project)
    local = {FORM_PAGE: "#sg-appendix", POLICY_PAGE: "#sg-policy"}
    for blocks in [policy.intro, form.before, form.after, *(s.blocks for s in policy.sections)]:
        _retarget(project, blocks, local)
    return _template_pdf(project, "policy/template.html", "policy/policy.css", out, (POLICY_PAGE, FORM_PAGE),
                         policy.title, str(project.pages[POLICY_PAGE].meta.get("description", "")),
                         policy=policy, appendix=form,
                         last_reviewed=long_date(document_date(project, (POLICY_PAGE, FORM_PAGE))))


def form_pdf(project: Project, out: Path) -> Rendered:
    form = form_document(project)
    for blocks in (form.before, form.after):
        _retarget(project, blocks, {})
    return _template_pdf(project, "declaration-form/template.html", "declaration-form/form.css", out, (FORM_PAGE,),
                         form.title, str(project.pages[FORM_PAGE].meta.get("description", "")), forms=True, form=form)


def checklist_pdf(project: Project, out: Path) -> Rendered:
    groups = checklist_groups(project.topics)
    items = {i.id: inline_html(project, i.markdown) for g in groups for i in g.items}
    paths = tuple(g.path for g in groups) + ((CHECKLIST_PAGE,) if CHECKLIST_PAGE in project.pages else ())
    page = project.pages.get(CHECKLIST_PAGE)
    title = str(page.meta.get("title")) if page else "Checklist: what should be in place"
    return _template_pdf(project, "checklist/template.html", "checklist/checklist.css", out, paths, title,
                         str(page.meta.get("description", "")) if page else "", forms=True, groups=groups, items=items,
                         site_url=page_url(project, CHECKLIST_PAGE),
                         last_reviewed=long_date(document_date(project, paths)))
