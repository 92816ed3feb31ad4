#!/usr/bin/env bash
# Makes sure Debian's Chromium and a Chinese font are installed for the browser tests (Playwright drives it through
# executable_path; Playwright's own browser downloads are not reachable here). Does nothing when found.
set -euo pipefail

# Chinese text needs a CJK font, or the screenshots show empty boxes.
have_font() { fc-list 2>/dev/null | grep -qiE "wqy|noto.*cjk|droid.*fallback"; }
for candidate in "${XIAODIAN_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && have_font; then
    exit 0
  fi
done

source "$(dirname "$0")/apt_install.sh"
apt_install "and a Chinese font for the browser tests" chromium fonts-wqy-microhei && exit 0

cat >&2 <<'MSG'
ERROR: the browser tests need Chromium and none was found (looked at $XIAODIAN_CHROMIUM, /usr/bin/chromium,
/usr/bin/chromium-browser), and it cannot be installed from here (no apt-get, or not root and no sudo).
Install it, then run the command again:
  - on Debian/Ubuntu:  sudo apt-get install chromium fonts-wqy-microhei
  - or point to one you have:  XIAODIAN_CHROMIUM=/path/to/chromium make test
MSG
exit 1
