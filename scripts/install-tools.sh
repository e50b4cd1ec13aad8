#!/usr/bin/env bash
# Installs what building and running need, skipping whatever is already there
# at the right version (the versions are in scripts/lib.sh). Safe to run
# again. Pass `--test` to also install the browser and driver that only the
# test tiers use.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

need_test_tools=false
[[ "${1:-}" == "--test" ]] && need_test_tools=true

check_trunk_pins

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding rustup's $component"
    rustup component add "$component"
  fi
done

if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
  say "installing trunk $TRUNK_VERSION (several minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
fi

# node_modules is what package-lock.json says as long as the lock file has not
# changed since the last `npm ci`, which leaves the lock file's hash behind.
npm_stamp=node_modules/.package-lock.sha256
if [[ ! -f "$npm_stamp" || "$(cat "$npm_stamp")" != "$(sha256sum <package-lock.json)" ]]; then
  say "installing the npm packages of package-lock.json (wasm-opt $BINARYEN_VERSION, terser, axe-core $AXE_CORE_VERSION)"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum <package-lock.json >"$npm_stamp"
fi

if $need_test_tools; then
  apt_install "${DEBIAN_PACKAGES[@]}" "${DEBIAN_TEST_PACKAGES[@]}"
else
  apt_install "${DEBIAN_PACKAGES[@]}"
fi
