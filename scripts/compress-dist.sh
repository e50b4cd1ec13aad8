#!/usr/bin/env bash
# Minifies the build's JavaScript (scripts/minify-dist.mjs), then writes
# `<file>.gz` and `<file>.br` next to every .html, .js, .wasm and .css file of
# a build, so tci-server sends them precompressed instead of compressing per
# request. The gzip files come from zopfli: the same format as
# `gzip -9`, about 5 % smaller for the wasm. Runs as trunk's post-build hook
# (Trunk.toml) on the staging folder; `bash scripts/compress-dist.sh DIR`
# compresses DIR instead.
set -euo pipefail

dir=${1:-${TRUNK_STAGING_DIR:-dist}}

# Brotli at quality 11 takes seconds even on a release wasm; a debug wasm is
# many times larger and is not what gets deployed.
if [[ -z "${1:-}" && "${TRUNK_PROFILE:-release}" == debug ]]; then
  echo "compress-dist: debug build, not compressing"
  exit 0
fi

for tool in brotli zopfli; do
  if ! command -v "$tool" >/dev/null; then
    echo "compress-dist: $tool is missing; run scripts/install-tools.sh" >&2
    exit 1
  fi
done

node "$(dirname "$0")/minify-dist.mjs" "$dir"

find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -print0 |
  while IFS= read -r -d '' file; do
    # zopfli leaves the name and time out of the gzip header: the same build
    # gives the same bytes. More iterations than its default 15 measured no
    # smaller here. (It takes no `--`; find's paths never start with `-`.)
    zopfli -c "$file" >"$file.gz"
    brotli -q 11 -k -f -- "$file"
  done
