#!/usr/bin/env bash
# Fuzzes the API with schemathesis (pinned in tests/fuzz/requirements.txt)
# against the vendored OpenAPI fragment, on the real tci-server binary in
# local mode: bounded in examples and in time, checking that no answer is a
# server error (a 503 from the session cap included), that 200s match their
# schema and that content types are the documented ones. The fragment
# documents only 200s: other 4xx answers are expected, not failures.
# FUZZ_SECONDS (default 60) and FUZZ_SEED (default 1) change the bounds.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

say "API fuzzing: schemathesis against the OpenAPI fragment, on tci-server"
bash scripts/python-env.sh --fuzz
cargo build --locked --quiet -p tci-server

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The fuzzer is one client sending thousands of requests: the per-minute
# limit (tested on its own) would answer most of them with 429. Random code
# runs sandboxed (bubblewrap, when it works) and briefly.
target/debug/tci-server --bind 127.0.0.1:0 --mode local --dist dist \
  --rate-per-minute 0 --exec-timeout 10 >"$work/stdout" 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
url=
for _ in $(seq 600); do
  url=$(grep -o 'http://[^ ]*' "$work/stdout" || true)
  [[ -n "$url" ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$work/server.log" >&2
  die "tci-server did not start"
fi
head -n 1 "$work/stdout"

# From the scratch folder: schemathesis and hypothesis keep caches in the
# working directory.
schema=$PWD/crates/tci-api/contract/tci-openapi.yaml
fuzzer=$PWD/.venv-fuzz/bin/schemathesis
status=0
(cd "$work" && "$fuzzer" run "$schema" --url "${url}v1" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples 100 --max-time "${FUZZ_SECONDS:-60}" --seed "${FUZZ_SEED:-1}" \
  --request-timeout 30) || status=$?
if ((status != 0)); then
  echo "--- the server's log:" >&2
  tail -n 50 "$work/server.log" >&2
fi
exit "$status"
