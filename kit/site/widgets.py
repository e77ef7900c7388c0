"""The two pages that work in the browser: the Checklist page's tick boxes (sg-checklist.js) and
the policy builder (sg-builder.js). Their text comes from the pages, filled in: never copied."""
from __future__ import annotations

import html
import re

from ..model import Project
from ..model.checklist import ChecklistGroup
from ..model.topics import FORM_PAGE, POLICY_PAGE

PLACEHOLDER_HTML = re.compile(r'<mark class="sg-placeholder">(.*?)</mark>', re.S)


FILLS = (("organisation", re.compile(r"organisation name|name of organisation", re.I)),
         ("contact", re.compile(r"contact", re.I)))


def checklist_markdown(groups: list[ChecklistGroup]) -> str:
    """The Checklist page's tick boxes (Jinja name `checklist`); sg-checklist.js keeps the ticks."""
    total = sum(len(g.items) for g in groups)
    out = [
        f'<div class="sg-checklist" id="sg-checklist" data-sg-total="{total}" markdown>',
        "",
        '<p class="sg-checklist__count" id="sg-checklist-count" role="status">'
        f'<span id="sg-checklist-done">0</span> of <span id="sg-checklist-total">{total}</span> items in place</p>',
        "",
    ]
    for g in groups:
        out += [f'<fieldset class="sg-checklist__group" id="sg-checklist-{g.slug}" markdown="block">',
                f'<legend class="sg-checklist__legend">{html.escape(g.title)}</legend>',
                '<ul class="sg-checklist__items" markdown="block">']
        for item in g.items:
            box = f"sg-check-{item.id}"
            out.append(f'<li class="sg-checklist__item" markdown="span"><input type="checkbox" class="sg-checklist__box" '
                       f'id="{box}" data-sg-item="{item.id}"> <label class="sg-checklist__label" for="{box}">{item.markdown}</label></li>')
        topic = g.title[:1].lower() + g.title[1:]
        out += ["</ul>", f'<p class="sg-checklist__more" markdown="span">[Read the guidance on {topic}]({g.path})</p>',
                "</fieldset>", ""]
    out += [
        '<div class="sg-checklist__actions">',
        '<button type="button" class="md-button md-button--primary sg-checklist__print" id="sg-checklist-print">Print this checklist</button>',
        '<button type="button" class="md-button sg-checklist__clear" id="sg-checklist-clear">Clear all ticks</button>',
        "</div>",
        "",
        "</div>",
    ]
    return "\n".join(out)


def fill_kind(placeholder: str) -> str:
    """Which of the builder's boxes fills a placeholder: 'organisation', 'contact' or '' (none)."""
    return next((kind for kind, pattern in FILLS if pattern.search(placeholder)), "")


def _mark_fills(text: str) -> str:
    def mark(m: re.Match[str]) -> str:
        kind = fill_kind(m.group(1))
        attr = f' data-sg-fill="{kind}"' if kind else ""
        return f'<mark class="sg-placeholder"{attr}>{m.group(1)}</mark>'
    return PLACEHOLDER_HTML.sub(mark, text)


def _demote(text: str) -> str:
    return re.sub(r"^(#{1,5})(\s)", r"#\1\2", text, flags=re.M)


def policy_builder_markdown(project: Project, rendered: dict[str, str]) -> str:
    """The builder's form and the policy text it fills (Jinja name `policy_builder`).

    `rendered` gives the policy and form pages' Markdown after their own {{ … }} names: the
    policy text is taken from them at build time, never copied. Only the policy itself goes in
    (its numbered sections and Appendix 1): the guidance around it is for the person adapting it."""
    policy = rendered[POLICY_PAGE]
    form = rendered[FORM_PAGE]
    sections = re.split(r"(?m)^(?=## )", policy)
    numbered = [s for s in sections if re.match(r"## \d+\.", s)]
    form = re.sub(r"\]\(model-social-media-policy\.md\)", "](#sg-builder-policy-title)", form)
    policy_text = "".join(numbered)
    policy_text = re.sub(r"\]\(employee-declaration-form\.md\)", "](#sg-builder-appendix)", policy_text)
    policy_title = re.sub(r"^model\s+", "", str(project.pages[POLICY_PAGE].meta.get("title", "")), flags=re.I)
    policy_title = policy_title[:1].upper() + policy_title[1:]  # "Model social media policy" -> "Social media policy"
    form_title = str(project.pages[FORM_PAGE].meta.get("title", ""))
    org = '<mark class="sg-placeholder" data-sg-fill="organisation">(Insert name of Organisation)</mark>'
    out = [
        '<div class="sg-builder" id="sg-builder">',
        '<fieldset class="sg-builder__fields">',
        "<legend>Your organisation’s details</legend>",
        '<div class="sg-builder__field">',
        '<label for="sg-builder-organisation">Name of your organisation</label>',
        '<span class="sg-builder__hint" id="sg-builder-organisation-hint">It replaces “(Insert name of Organisation)” throughout.</span>',
        '<input type="text" id="sg-builder-organisation" class="sg-builder__input" name="organisation" autocomplete="organization" '
        'spellcheck="false" aria-describedby="sg-builder-organisation-hint">',
        "</div>",
        '<div class="sg-builder__field">',
        '<label for="sg-builder-contact">Who employees return the declaration form to (optional)</label>',
        '<span class="sg-builder__hint" id="sg-builder-contact-hint">For example a team and its email address. '
        "It replaces the “(Insert … contact …)” fields.</span>",
        '<input type="text" id="sg-builder-contact" class="sg-builder__input" name="contact" autocomplete="off" '
        'aria-describedby="sg-builder-contact-hint">',
        "</div>",
        "</fieldset>",
        '<div class="sg-builder__actions">',
        '<button type="button" class="md-button md-button--primary" id="sg-builder-print">Print the policy</button>',
        '<button type="button" class="md-button" id="sg-builder-copy">Copy the policy text</button>',
        "</div>",
        '<p class="sg-builder__status" id="sg-builder-status" role="status"></p>',
        "</div>",
        "",
        '<section class="sg-builder__output" id="sg-builder-output" aria-labelledby="sg-builder-policy-title" markdown>',
        "",
        f'<h2 class="sg-builder__title" id="sg-builder-policy-title">{org} {html.escape(policy_title)}</h2>',
        "",
        '<p class="sg-builder__remaining" id="sg-builder-remaining">The highlighted parts still need your attention before you adopt the policy.</p>',
        "",
        _mark_fills(_demote(policy_text)).strip(),
        "",
        f'<h2 class="sg-builder__title" id="sg-builder-appendix">{html.escape(form_title)}</h2>',
        "",
        _mark_fills(_demote(form)).strip(),
        "",
        "</section>",
    ]
    return "\n".join(out)

