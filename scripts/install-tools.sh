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

npm_version() {
  sed -n 's/^ *"version": *"\(.*\)".*/\1/p' "node_modules/$1/package.json" 2>/dev/null | head -n 1 || true
}
if [[ "$(npm_version binaryen)" != "$BINARYEN_VERSION" || ! -x node_modules/.bin/wasm-opt ||
      "$(npm_version axe-core)" != "$AXE_CORE_VERSION" ]]; then
  say "installing npm's binaryen $BINARYEN_VERSION (wasm-opt) and axe-core $AXE_CORE_VERSION"
  npm ci --no-audit --no-fund --loglevel=error
fi

if $need_test_tools; then
  apt_install "${DEBIAN_PACKAGES[@]}" "${DEBIAN_TEST_PACKAGES[@]}"
else
  apt_install "${DEBIAN_PACKAGES[@]}"
fi
