#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright; Playwright's own browser
# download is never used (closed networks). Install Chromium and CJK fonts when missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# (not `fc-list | grep -q`: under pipefail, grep leaving early fails the pipe)
fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} with apt-get ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Browser tests need Debian's packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
