#!/usr/bin/env bash
# Makes the Python environments, skipping any that already match their
# requirements file: .venv for the local backend's sessions, and with
# `--test` the two Together SDK versions the tests drive the server with.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

PYTHON=${PYTHON:-python3}

make_venv() {
  local dir=$1 requirements=$2
  local stamp="$dir/.requirements.sha256"
  local wanted
  wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
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
if [[ "${1:-}" == "--test" ]]; then
  make_venv .venv-sdk-current tests/sdk/requirements-current.txt
  make_venv .venv-sdk-v1 tests/sdk/requirements-v1.txt
fi
