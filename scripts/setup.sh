#!/usr/bin/env bash
# Set Fairbid up on a fresh Debian/Ubuntu machine: the system packages it needs, a virtualenv, the package.
#   - fonts-wqy-microhei: a CJK font, so PDFs print Chinese instead of empty boxes
#   - libharfbuzz-subset0, libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint (font subsetting makes PDFs fast)
#   - chromium: the headless browser the web tests drive (never `playwright install`)
#   - openjdk-17-jre-headless: Java for Spark (the `spark` extra: the analytics engine test runs it in local mode)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fonts-wqy-microhei libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium openjdk-17-jre-headless)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e '.[dev,spark]' 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import fairbid, weasyprint, sklearn, gmssl_pyx" && echo "fairbid is set up in .venv"
