#!/usr/bin/env bash
# Runs the browser journeys (console-, inventory-, label-, then footprint-journey.mjs, then the console-crawl.mjs check
# of every page) against a fresh
# `tanji demo` in headless Chromium. The inventory and footprint journeys change the demo data (imports, computes,
# sign-offs; products, model versions, footprints, labels), so they run after the console journey; they change
# different data (the factory's inventory, the retailer's products), so neither depends on the other's changes. The
# label journey only reads (the factory's published cup and plate labels).
#
#   e2e/run-browser-tests.sh PATH/TO/tanji SCREENSHOT_DIR
#
# Starts the demo on a free port of 127.0.0.1 with its own temporary data directory, waits for /readyz, runs the
# journeys, and always stops the server and removes the data directory. Needs node, python3 and Chromium
# (/usr/bin/chromium, or the one $CHROMIUM names), and for readable label-page screenshots a CJK font
# (fonts-noto-cjk); it installs nothing but the npm packages of package-lock.json.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PATH/TO/tanji SCREENSHOT_DIR" >&2
  exit 2
fi

# Resolve both arguments before leaving the caller's directory.
tanji="$1"
if [[ "$tanji" != */* ]]; then
  tanji="$(command -v -- "$tanji" || true)"
fi
if [[ -z "$tanji" || ! -x "$tanji" ]]; then
  echo "error: the tanji binary '$1' does not exist or is not executable" >&2
  exit 2
fi
tanji="$(cd "$(dirname -- "$tanji")" && pwd)/$(basename -- "$tanji")"
mkdir -p -- "$2"
screenshot_dir="$(cd -- "$2" && pwd)"

cd "$(dirname -- "${BASH_SOURCE[0]}")"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "error: Chromium was not found at $chromium." >&2
  echo "       Install it with: apt-get install -y chromium   (or point CHROMIUM at a Chromium binary)" >&2
  exit 1
fi
export CHROMIUM="$chromium"
# The public label pages use the reader's fonts: without a CJK font their Chinese is boxes in the screenshots.
if command -v fc-list >/dev/null && [[ -z "$(fc-list :lang=zh)" ]]; then
  echo "warning: no Chinese font is installed, so label-page screenshots will show boxes." >&2
  echo "         Install one with: apt-get install -y fonts-noto-cjk   (.ci/run does)" >&2
fi

if [[ ! -d node_modules/playwright-core ]]; then
  echo "node_modules/playwright-core is missing; running npm ci"
  npm ci --no-audit --no-fund
fi

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/tanji-e2e.XXXXXX")"
server_log="$data_dir/server.log"
server_pid=""

cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -e "$server_log" ]]; then
    if [[ -s "$server_log" ]]; then
      echo "---- last lines of the tanji server log ----" >&2
      tail -n 80 "$server_log" >&2 || true
      echo "---- end of the tanji server log ----" >&2
    else
      echo "(the tanji server log is empty)" >&2
    fi
  fi
  rm -rf -- "$data_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')"
base_url="http://127.0.0.1:$port"

echo "starting $tanji demo on $base_url (data in $data_dir)"
"$tanji" demo --listen "127.0.0.1:$port" --data-dir "$data_dir" >"$server_log" 2>&1 &
server_pid=$!

# GET /readyz, answering its HTTP status (000 when nothing answers).
readyz_status() {
  python3 - "$base_url/readyz" <<'PY'
import sys, urllib.request, urllib.error
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an HTTP proxy
try:
    with opener.open(sys.argv[1], timeout=2) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception:
    print("000")
PY
}

deadline=$((SECONDS + 60))
code=000
until [[ "$code" == "200" ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: tanji demo exited before it was ready" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "error: $base_url/readyz did not answer 200 within 60 s (last answer: $code)" >&2
    exit 1
  fi
  sleep 0.5
  code="$(readyz_status)"
done
echo "tanji demo is ready at $base_url"

BASE_URL="$base_url" SCREENSHOT_DIR="$screenshot_dir" node console-journey.mjs
BASE_URL="$base_url" SCREENSHOT_DIR="$screenshot_dir" node inventory-journey.mjs
# The shopper's journey reads the demo's published labels: the verified cup and the self-declared plate.
label_code() {
  python3 - "$data_dir/demo.sqlite" "$1" <<'PY'
import sqlite3, sys
with sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True) as db:
    row = db.execute("SELECT p.code FROM label_publications p JOIN products pr ON pr.id = p.product_id "
                     "WHERE pr.sku = ? ORDER BY p.version DESC LIMIT 1", (sys.argv[2],)).fetchone()
print(row[0] if row else "")
PY
}
LABEL_CODE="$(label_code RH-CUP-BF-250)" PLAIN_LABEL_CODE="$(label_code RH-PLATE-BG-9)" \
  BASE_URL="$base_url" SCREENSHOT_DIR="$screenshot_dir" node label-journey.mjs
BASE_URL="$base_url" SCREENSHOT_DIR="$screenshot_dir" node footprint-journey.mjs
# Last, over everything the journeys left: every console page as every persona, in 简体中文 (no Latin-script sentences
# outside the allow-list) and at 1366 px and 390 px (every table fits its card or scrolls with a cue). It only reads.
BASE_URL="$base_url" SCREENSHOT_DIR="$screenshot_dir" node console-crawl.mjs
echo "screenshots are in $screenshot_dir"
