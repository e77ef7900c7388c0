"""The safeguarding guidance kit: one set of Markdown files published as a site, posters and documents.

Layers, each importing only those below it:
    errors, dates, fields, colour, yamlio, repro, outputs, weasy, pdf_tags   (small tools)
    model      sources -> a frozen Project
    site       what pages show (names, sandboxed filling, layout, widgets)
    posters, documents, links    outputs made from a filled Project, and their checks
    checks     everything an editor can get wrong, before anything is rendered
    build      the pipeline and the engines
"""
