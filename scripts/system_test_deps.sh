#!/usr/bin/env bash
# Installs the Debian packages the browser tests and PDFs need when they are missing: chromium (Playwright drives
# Debian's build; Playwright's own browser download does not work offline) and fonts-noto-cjk (Chinese text
# in screenshots and PDFs). Only as root on Debian; otherwise it says what is missing and carries on.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
# WeasyPrint subsets the embedded CJK fonts with HarfBuzz's subsetter (it warns on every PDF without it).
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset' || missing+=(libharfbuzz-subset0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} from Debian..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Missing system packages: ${missing[*]} (install them with apt-get as root); browser tests will say so."
fi
