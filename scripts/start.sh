#!/usr/bin/env bash
# Starts the playground with the local Python backend and prints its URL.
# Installs what is missing first (once), bubblewrap included, so sessions run
# sandboxed. Extra arguments go to tci-server, e.g.
# `bash scripts/start.sh --bind 127.0.0.1:9000`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

bash scripts/install-tools.sh
bash scripts/python-env.sh
cargo fetch --locked --quiet
trunk build --release
cargo build --release --locked -p tci-server
exec target/release/tci-server --dist dist "$@"
