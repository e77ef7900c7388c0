"""The printable documents, made from a filled-in Project (kit.checks.load_project gives one):

    content.py      the policy and the declaration form as structured text; Markdown to HTML; dates
    render.py       templates and print styles in documents/, metadata, the one WeasyPrint render
    guide_pages.py  the whole guide as one HTML book, from the BUILT pages (any engine)
    guide.py        that book finished (head, cover, icons) and rendered: guide.pdf
    policy_pdf.py   the policy, the declaration form and the checklist as PDFs
    policy_docx.py  the policy as an editable Word document

kit/build/documents.py is the build step that writes them into the site's downloads folder.
"""
