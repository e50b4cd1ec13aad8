#!/usr/bin/env bash
# Runs every test: formatting, lints (host and wasm32), native unit and
# integration tests, wasm-bindgen tests in headless Chromium, and the
# end-to-end tests in Chromium against the real server and release build.
# Installs what is missing first (once).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/install-tools.sh --test
bash scripts/python-env.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
cargo fetch --locked --quiet

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy -p tci-playground --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

step "release build of the app (trunk), and one for a static host's sub-path"
trunk build --release
trunk build --release --public-url /play/ --dist target/dist-subpath

step "native tests: unit, API, limits, SDKs, size budget, end to end in Chromium"
cargo test --workspace --locked
bash scripts/fuzz-api.sh

step "wasm-bindgen tests in headless Chromium"
cargo test -p tci-playground --target wasm32-unknown-unknown --locked

step "all tests passed in $((SECONDS - started)) s"
