"""Link checks of a built site.

Offline (no network; `checker.check_site(root, site)` returns a `report.Report`): every link in every
page, stylesheet, PDF, Word document and the sitemap, reporting every failure at once with page,
link and why:

- every relative `href`/`src`/`srcset` (and CSS `url()`) resolves to a file inside the site, and
  an `#anchor` exists in the target (an HTML id, an SVG id, a PDF named destination or page);
- downloads (PDF, Word, zip, images) exist, are not empty and are what their name says;
- links inside the PDFs (link annotations and bookmarks) go to destinations that exist, and their
  external addresses obey the rules below, as do the hyperlinks in Word documents and what the QR
  codes printed in the PDFs say (each page drawn and decoded; every poster must carry a readable one);
- every external address comes from docs/data/links.yml (or is the board's own site or a board
  contact), none is on a retired domain or a retired address, and all use https;
- every page is in the navigation, and nothing in docs/ is an orphan.

Modules: report (LinkProblem, Report), rules (which external addresses may appear), site (the built
site's files and anchors), address (one link), html, css, sitemap, pdf (with QR codes), docx,
downloads (magic bytes, zip files), checker (runs them; navigation, orphans, unused links).

Online (`online.check_urls`, report in `online_report`): does every external address still work?
`scripts/linkcheck.py` is the command line for both.
"""
