#!/usr/bin/env bash
# System libraries the build needs: Pango (WeasyPrint renders the posters and PDFs with it),
# HarfBuzz-Subset (WeasyPrint subsets fonts with it; without it, it falls back to fontTools and
# writes different bytes), the Noto fonts as a fallback, and Ghostscript's CMYK profile (libgs-common:
# the output intent of the print-shop posters, /usr/share/color/icc/ghostscript/default_cmyk.icc).
# Chromium is needed by the browser tests only, and Java and npm for the tests' HTML checker. Installs them on Debian when run as root;
# otherwise says what to install.
#   bash scripts/system_deps.sh --list   prints the packages the build relies on (tests check that
#                                       every library a render loads comes from one of them)
set -euo pipefail
RENDERER_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core libgs-common)
if [ "${1:-}" = --list ]; then printf '%s\n' "${RENDERER_PACKAGES[@]}"; exit 0; fi
# ldconfig lives in /sbin, which is not on every user's PATH. On a CI runner (e.g. GitHub Actions),
# run it with sudo to install: sudo env WITH_BROWSER=1 bash scripts/system_deps.sh
export PATH="$PATH:/usr/sbin:/sbin"
need=()
libs="$(ldconfig -p 2>/dev/null || true)"   # read in full: `ldconfig -p | grep -q` can die of SIGPIPE under pipefail
grep -q 'libpango-1.0.so' <<<"$libs" || need+=(libpango-1.0-0)
grep -q 'libpangoft2-1.0.so' <<<"$libs" || need+=(libpangoft2-1.0-0)
grep -q 'libharfbuzz-subset.so' <<<"$libs" || need+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
[ -f /usr/share/color/icc/ghostscript/default_cmyk.icc ] || need+=(libgs-common)
if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null; then need+=(chromium); fi
# The tests' checkers: Java for the Nu Html Checker, npm to install it (and Lighthouse) from package-lock.json.
if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v java >/dev/null; then need+=(default-jre-headless); fi
if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v npm >/dev/null; then need+=(npm); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
