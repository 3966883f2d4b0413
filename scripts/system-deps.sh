#!/usr/bin/env bash
# Install the Debian packages the project needs. Two sets:
#   lab  (make lab):  python3-venv (Debian ships `python3 -m venv` without
#                     ensurepip), and a CJK font with TrueType outlines for
#                     charts (fonts-wqy-microhei: PDFs embed it as CID TrueType,
#                     which poppler reads without a warning; see toolkit/analyse/fonts.py);
#   test (make test): the lab set, plus what the test suite drives for real:
#                     Chromium (browser tests through Playwright, never a browser
#                     download), LibreOffice (legacy .doc/.wps conversion and
#                     DOCX→PDF round trips), poppler-utils (pdffonts, pdftoppm,
#                     pdftocairo), Ghostscript (PDF re-rendered by pdfwrite), and
#                     the fonts the tests render with: scripts/fonts.tsv (two more
#                     CJK fonts, Noto CJK and AR PL UMing, and DejaVu for Latin).
#                     The tests use these fonts and no other (tests/support/fonts.py).
# Idempotent: does nothing when everything is already present.
set -euo pipefail
set_name=${1:-test}
need=()
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
if [ "$set_name" != lab ] && [ "$set_name" != test ]; then
  echo "usage: $0 [lab|test]" >&2
  exit 2
fi
# Font packages whose files are missing: the lab set's, or every set's for test.
while IFS=$'\t' read -r pkg set _family file; do
  case "$pkg" in ''|'#'*) continue ;; esac
  [ "$set_name" = test ] || [ "$set" = lab ] || continue
  [ -e "$file" ] || [[ " ${need[*]-} " == *" $pkg "* ]] || need+=("$pkg")
done < "$(dirname "$0")/fonts.tsv"
if [ "$set_name" = test ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v soffice  >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v gs       >/dev/null 2>&1 || need+=(ghostscript)
  command -v fc-list  >/dev/null 2>&1 || need+=(fontconfig)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "system-deps: needs root to install ${need[*]}: run 'apt-get install ${need[*]}' as root" >&2
    exit 1
  fi
  SUDO=sudo
else
  SUDO=
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
