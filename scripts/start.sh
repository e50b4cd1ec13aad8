#!/usr/bin/env bash
# Starts the playground with the local Python backend and prints its URL.
# Installs what is missing first (once). Extra arguments go to tci-server,
# e.g. `bash scripts/start.sh --bind 127.0.0.1:9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
bash scripts/python-env.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
cargo fetch --locked --quiet
trunk build --release
cargo build --release --locked -p tci-server
exec target/release/tci-server --dist dist "$@"
