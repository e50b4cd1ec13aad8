#!/usr/bin/env bash
# Runs every test tier: formatting, lints (host with every test tier's
# feature, and wasm32), the release builds, the native tests of all tiers
# (unit, API, limits, Python and SDKs, size budgets, end to end in Chromium)
# and the wasm-bindgen tests in headless Chromium. Installs what is missing
# first (once). A plain `cargo test` runs only the fast tier.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

step "tools and Python environments"
bash scripts/install-tools.sh --test
bash scripts/python-env.sh --test
cargo fetch --locked --quiet

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host, all tiers)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy -p tci-playground --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

step "release build of the app (trunk), and one for a static host's sub-path"
trunk build --release
trunk build --release --public-url /play/ --dist target/dist-subpath

step "native tests, every tier"
cargo test --workspace --all-features --locked
bash scripts/fuzz-api.sh

step "wasm-bindgen tests in headless Chromium"
cargo test -p tci-playground --target wasm32-unknown-unknown --locked

step "all tests passed"
