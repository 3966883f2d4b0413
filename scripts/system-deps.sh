#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real: Chromium (browser
# tests through Playwright, never a browser download), LibreOffice (legacy
# .doc/.wps conversion and DOCX→PDF round trips), poppler-utils (PDF → PNG for
# looking at pages) and a CJK font (charts with Chinese labels).
# Idempotent: does nothing when every command is already present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice  >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
