#!/usr/bin/env bash
# Makes the Python environments, skipping any that already match their
# requirements file: .venv for the local backend's sessions, with `--test`
# the two Together SDK versions the tests drive the server with and nbformat
# (the notebook tests: tests/python/requirements.txt), with
# `--fuzz` the API fuzzer's (scripts/fuzz-api.sh) and with `--bench` the load
# benchmark's (ipykernel beside the server).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

PYTHON=${PYTHON:-python3}

make_venv() {
  local dir=$1 requirements=$2
  local stamp="$dir/.requirements.sha256"
  local wanted
  # The file and those it includes with `-r` (relative to it).
  local included
  included=$(sed -n "s|^-r *|$(dirname "$requirements")/|p" "$requirements")
  # shellcheck disable=SC2086 # one path per line, none with spaces
  wanted=$(cat "$requirements" $included | sha256sum | cut -d' ' -f1)
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    return 0
  fi
  say "making $dir from $requirements"
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$wanted" >"$stamp"
}

make_venv .venv requirements.txt
case "${1:-}" in
--test)
  make_venv .venv-sdk-current tests/sdk/requirements-current.txt
  make_venv .venv-sdk-v1 tests/sdk/requirements-v1.txt
  make_venv .venv-nbformat tests/python/requirements.txt
  ;;
--fuzz) make_venv .venv-fuzz tests/fuzz/requirements.txt ;;
--bench) make_venv .venv-bench crates/tci-server/benches/requirements.txt ;;
esac
