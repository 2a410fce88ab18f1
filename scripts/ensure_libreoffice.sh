#!/usr/bin/env bash
# The print check converts the attachments to PDF with LibreOffice headless, as an office
# would print them (tests/e2e/test_print.py). Debian's calc without a GUI is enough; the CJK
# fonts give the Chinese text its glyphs. Install them when missing, as ensure_browser.sh
# does for Chromium.
set -euo pipefail
need=()
command -v soffice >/dev/null || command -v libreoffice >/dev/null || need+=(libreoffice-calc-nogui)
# (not `fc-list | grep -q`: under pipefail, grep leaving early fails the pipe)
fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} with apt-get ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "The print check needs Debian's packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
