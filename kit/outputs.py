"""What the build publishes, by name: the stable addresses under site/downloads/ that pages,
posters, the link check and other boards' links rely on, and where the poster manifest is kept."""
from __future__ import annotations

from pathlib import Path

DOWNLOADS = "downloads"
GUIDE = "guide.pdf"
POLICY_DOCX = "model-social-media-policy.docx"
POLICY_PDF = "model-social-media-policy.pdf"
FORM_PDF = "employee-declaration-form.pdf"
CHECKLIST_PDF = "checklist.pdf"
DOCUMENTS = {"guide": GUIDE, "policy-docx": POLICY_DOCX, "policy-pdf": POLICY_PDF, "form": FORM_PDF, "checklist": CHECKLIST_PDF}
POSTERS = "posters"  # downloads/posters/<slug>-<size>.pdf and <slug>.png
POSTERS_ZIP = "posters.zip"
POSTERS_PRINT = "print"  # downloads/posters/print/<slug>-<size>.pdf: the print-shop versions (PDF/X-4, bleed, crop marks)
POSTERS_PRINT_ZIP = "posters-print.zip"
OFFLINE_ZIP = Path(DOWNLOADS) / "offline-site.zip"
POSTER_SIZES = {"a4": "A4", "a3": "A3"}  # paper sizes and their labels, in the order pages list them
TOKENS = Path("docs") / "assets" / "stylesheets" / "tokens.css"  # every colour, for the site, posters and documents
POSTER_MANIFEST = Path(".cache") / "posters" / "manifest.json"  # titles and sizes, for the Posters page
DOCUMENT_CACHE = Path(".cache") / "documents"  # rendered documents by content hash, with the files each read
TEST_SUITE_RECORD = Path(".cache") / "test-suite.json"  # the last full test run: its time, for make bench
ZIP_CACHE = Path(".cache") / "zip"  # compressed zip entries by the hash of their contents
GUIDE_CACHE = Path(".cache") / "guide"  # the guide's chapter PDFs, by content hash (kit/documents/guide_chapters.py)

