#!/usr/bin/env bash
# Lighthouse scores of the built site: a manual check, not part of `make test`.
#
#   make site && tools/lighthouse.sh                  # every page of both languages, mobile
#   tools/lighthouse.sh book/fa/intro.html ...        # any pages of _build/html
#   PRESETS="mobile desktop" tools/lighthouse.sh      # form factors (default: mobile)
#
# Installs npm's lighthouse@13 on first use into $LIGHTHOUSE_DIR (default
# ~/.cache/lighthouse-cli), serves _build/html on 127.0.0.1, gzip-compressed as any real host
# (GitHub Pages, Netlify, nginx) serves it, and audits with Debian's chromium, headless
# (CHROME_PATH). Mobile is Lighthouse's default: a slow phone on slow 4G, simulated (the
# simulation still depends a little on how busy the machine's CPUs are).
# Prints one table: page, form factor, performance, accessibility, best practices, the page's
# transferred bytes, first and largest contentful paint; then the failing audits of each page.
# Reports (JSON and HTML) go to /tmp/lighthouse/.
# Targets: performance >= 90, accessibility 100 and best practices 100 on every page.
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

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])),
                                functools.partial(Compressing, directory=ROOT)).serve_forever()
PY
server=$!
trap 'kill $server' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; do sleep 1; done
out=/tmp/lighthouse
mkdir -p "$out"
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  mapfile -t pages < <(cd _build/html && ls book/index.html book/en/*.html book/fa/*.html)
fi
reports=()
for preset in ${PRESETS:-mobile}; do
  for page in "${pages[@]}"; do
    name=$(echo "$page" | tr / -)
    report="$out/${name%.html}-$preset"
    flags=()
    [ "$preset" = desktop ] && flags=(--preset=desktop)
    "$dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$page" "${flags[@]}" --quiet \
      --only-categories=performance,accessibility,best-practices --output=json --output=html \
      --output-path="$report" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    reports+=("$page $preset $report.report.json")
    echo "done: $page ($preset)" >&2
  done
done
python3 - "${reports[@]}" <<'PY'
import json, sys
rows, failing = [], []
for line in sys.argv[1:]:
    page, preset, path = line.split()
    report = json.load(open(path))
    score = {k: round(100 * v["score"]) for k, v in report["categories"].items()}
    audits = report["audits"]
    rows.append((page, preset, score["performance"], score["accessibility"],
                 score["best-practices"], audits["total-byte-weight"]["numericValue"] / 1024,
                 audits["first-contentful-paint"]["numericValue"] / 1000,
                 audits["largest-contentful-paint"]["numericValue"] / 1000))
    # The audits that count towards a score (not the metrics themselves) and fall short.
    counted = {ref["id"] for category in report["categories"].values()
               for ref in category["auditRefs"] if ref.get("weight") and ref.get("group") != "metrics"}
    bad = sorted(audit["id"] for audit in audits.values()
                 if audit["id"] in counted and audit.get("score") is not None and audit["score"] < 0.9)
    if bad:
        failing.append(f"{page} ({preset}): " + ", ".join(bad))
print(f"{'page':36} {'form':7} {'perf':>4} {'a11y':>4} {'bp':>4} {'KB':>7} {'FCP s':>6} {'LCP s':>6}")
for page, preset, perf, a11y, bp, kb, fcp, lcp in rows:
    print(f"{page:36} {preset:7} {perf:4} {a11y:4} {bp:4} {kb:7.0f} {fcp:6.1f} {lcp:6.1f}")
if rows:
    print(f"lowest: performance {min(r[2] for r in rows)}, accessibility {min(r[3] for r in rows)}, "
          f"best practices {min(r[4] for r in rows)}; heaviest page {max(r[5] for r in rows):.0f} KB")
for line in failing:
    print("short of 0.9:", line)
PY
