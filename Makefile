# The two commands of the README: `make build` and `make test`. CI and people call the same targets.
PY := .venv/bin/python
# What builds the pages: mkdocs (MkDocs + Material) or zensical (its successor).
ENGINE ?= mkdocs
# How `make check` prints problems: text, or github (annotations on a pull request's changed lines).
FORMAT ?= text
# How many processes `make test` runs the tests in (pytest-xdist): one per core.
TEST_WORKERS ?= auto
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build test test-fast serve posters documents check check-reviews check-fork bench bench-web clean linkcheck

# Set-up: check (and, as root on Debian, install) the system libraries, then a pinned virtualenv.
.venv/ready: requirements.txt pyproject.toml scripts/system_deps.sh
	bash scripts/system_deps.sh
	python3 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	.venv/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

build: .venv/ready  ## Build everything (site, posters, PDFs) into site/ (make build ENGINE=zensical: pages by Zensical)
	$(PY) scripts/build.py --engine $(ENGINE)

# The checkers the tests run, pinned in package-lock.json: the Nu Html Checker (vnu-jar, needs Java).
# Lighthouse, a dev dependency there, is installed only for bench-web.
node_modules/.ready: package.json package-lock.json
	WITH_BROWSER=1 bash scripts/system_deps.sh
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund
	touch $@

node_modules/.bench-ready: package.json package-lock.json
	WITH_BROWSER=1 bash scripts/system_deps.sh
	npm ci --ignore-scripts --no-audit --no-fund
	touch node_modules/.ready $@

test: .venv/ready node_modules/.ready  ## Run the tests (they build the real site and documents; browser tests need Chromium)
	WITH_BROWSER=1 bash scripts/system_deps.sh
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# --fast (tests/conftest.py): only the tests not marked slow, and it fails if they are fewer than 100 or import WeasyPrint.
test-fast: .venv/ready  ## The edit loop: the model, loader, check and HTML-policy tests (no build, no WeasyPrint, no browser)
	$(PY) -m pytest -q --fast -n 2

serve: .venv/ready  ## Live preview while editing (no PDFs: fast); content problems show on the page (make serve ENGINE=zensical)
	$(PY) scripts/serve.py --engine $(ENGINE)

posters: .venv/ready  ## Only the posters, into site/downloads/posters (cached; e.g. make posters ARGS="--topic email --size a4 -v")
	$(PY) scripts/posters.py $(ARGS)

documents: .venv/ready  ## Only the documents (guide PDF, policy DOCX and PDF, declaration form, checklist) into site/downloads, with timings
	$(PY) scripts/documents.py --verbose $(ARGS)

check: .venv/ready  ## Check the content and config only, listing every problem (make check FORMAT=github: as pull-request annotations)
	$(PY) scripts/build.py --check --format $(FORMAT)

linkcheck: .venv/ready  ## Check every external address on the real web; report in .cache/linkcheck-report.md (the offline link check is part of `make test`)
	$(PY) scripts/linkcheck.py --external

check-reviews: .venv/ready  ## List every page's review dates; fails when a page is overdue (forks: run on a schedule)
	$(PY) scripts/check_reviews.py

.venv/bench-ready: .venv/ready requirements-bench.txt
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c requirements.txt
	touch $@

bench: .venv/bench-ready  ## Time the builds (bare, plain pipeline with the PDF plugin, full cold, incremental: ratios, CPU) and list output sizes
	$(PY) scripts/bench.py $(ARGS)

bench-web: .venv/ready node_modules/.bench-ready  ## Home page transfer size in Chromium (gzip; goal 250 KB), Lighthouse scores, search index and offline zip sizes of site/
	$(PY) scripts/bench_web.py

check-fork: .venv/ready  ## In a fork: list every place that still carries the original board's identity
	$(PY) scripts/check_fork.py

clean:
	rm -rf site .venv .pytest_cache node_modules
