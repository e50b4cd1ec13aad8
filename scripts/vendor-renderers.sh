#!/usr/bin/env bash
# Puts the output frame (frame/) and the renderers it loads on demand into
# `renderers/` of a build: the npm packages pinned in package-lock.json,
# copied from node_modules/ (scripts/install-tools.sh runs `npm ci`; nothing
# is fetched here, and nothing at run time). Runs as trunk's build hook
# (Trunk.toml), before the post-build hook compresses the files;
# `bash scripts/vendor-renderers.sh DIR` writes DIR/renderers instead.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${TRUNK_STAGING_DIR:-dist}}
out="$dir/renderers"
modules="$root/node_modules"

# source in node_modules -> name in renderers/ (frame/frame.js loads these
# names; tests/size.rs groups them by renderer).
files=(
  "marked/lib/marked.umd.js marked.js"
  "katex/dist/katex.min.js katex.js"
  "katex/dist/katex.min.css katex.css"
  "katex/dist/contrib/auto-render.min.js auto-render.js"
  "vega/build/vega.min.js vega.js"
  "vega-lite/build/vega-lite.min.js vega-lite.js"
  "vega-embed/build/vega-embed.min.js vega-embed.js"
  "plotly.js-dist-min/plotly.min.js plotly.js"
)

mkdir -p "$out/fonts"
if [[ ! -x "$modules/.bin/terser" ]]; then
  echo "vendor-renderers: node_modules/.bin/terser is missing; run scripts/install-tools.sh" >&2
  exit 1
fi
cp "$root/frame/frame.html" "$out/"
# frame.js is fetched by every page with a rich output: minified, as the
# app's own script is (scripts/minify-dist.mjs), it is 1,989 bytes brotli
# instead of 3,430.
"$modules/.bin/terser" "$root/frame/frame.js" --compress --mangle --output "$out/frame.js"
for pair in "${files[@]}"; do
  read -r source name <<<"$pair"
  if [[ ! -f "$modules/$source" ]]; then
    echo "vendor-renderers: node_modules/$source is missing; run scripts/install-tools.sh" >&2
    exit 1
  fi
  cp "$modules/$source" "$out/$name"
done
# KaTeX's stylesheet names its fonts as fonts/…; browsers take the woff2.
cp "$modules"/katex/dist/fonts/*.woff2 "$out/fonts/"
