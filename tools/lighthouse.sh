#!/usr/bin/env bash
# Lighthouse scores of the built site: a manual check, not part of `make test`.
#
#   make site && tools/lighthouse.sh                  # the English and Persian notebook pages
#   tools/lighthouse.sh book/fa/intro.html ...        # any pages of _build/html
#   PRESETS=mobile tools/lighthouse.sh                # one form factor only (desktop, mobile)
#
# Installs npm's lighthouse on first use into $LIGHTHOUSE_DIR (default ~/.cache/lighthouse-cli),
# serves _build/html on 127.0.0.1, gzip-compressed as any real host (GitHub Pages, Netlify,
# nginx) serves it, and audits with Debian's chromium, headless (CHROME_PATH).
# Prints the performance and accessibility scores of each page for Lighthouse's desktop and
# mobile settings (mobile: a slow phone on slow 4G, simulated); reports go to /tmp/lighthouse/.
# Targets: performance >= 90 and accessibility 100 on both languages.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f _build/html/index.html ] || { echo "no built site: run make site first" >&2; exit 1; }
dir=${LIGHTHOUSE_DIR:-$HOME/.cache/lighthouse-cli}
if [ ! -x "$dir/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts lighthouse@13
fi
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
port=${PORT:-8765}
python3 - "$port" <<'PY' >/dev/null 2>&1 &
import functools, gzip, http.server, os, sys

# Compressed once, up front, so that every response is as quick as a real host's.
ROOT = os.path.abspath("_build/html")
COMPRESSED = {}
for folder, _, files in os.walk(ROOT):
    for name in files:
        if name.endswith((".html", ".js", ".css", ".svg", ".txt", ".json")):
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                COMPRESSED[path] = gzip.compress(file.read(), 9)

class Compressing(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        body = COMPRESSED.get(path)
        if body is None or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])),
                                functools.partial(Compressing, directory=ROOT)).serve_forever()
PY
server=$!
trap 'kill $server' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; do sleep 1; done
out=/tmp/lighthouse
mkdir -p "$out"
pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(book/en/initialization.html book/fa/initialization.html)
for preset in ${PRESETS:-desktop mobile}; do
  for page in "${pages[@]}"; do
    name=$(echo "$page" | tr / -)
    report="$out/${name%.html}-$preset"
    flags=()
    [ "$preset" = desktop ] && flags=(--preset=desktop)
    "$dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$page" "${flags[@]}" --quiet \
      --only-categories=performance,accessibility --output=json --output=html \
      --output-path="$report" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    python3 - "$report.report.json" "$page" "$preset" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {k: round(100 * v["score"]) for k, v in report["categories"].items()}
failed = [a["title"] for a in report["audits"].values()
          if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0]
print(f"{sys.argv[2]} ({sys.argv[3]}): performance {scores['performance']}, "
      f"accessibility {scores['accessibility']}" + (f"; failing: {failed}" if failed else ""))
PY
  done
done
