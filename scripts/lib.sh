# shellcheck shell=bash disable=SC2034 # the pins below are read by the scripts that source this
# Sourced by the other scripts: moves to the repository root, puts the
# installed tools on PATH, prints banners, installs Debian packages, and holds
# every tool version the scripts install, each read from the one file that
# pins it (the build reads the same files).

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# trunk's update check asks GitHub, which a build must not need.
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# A banner for one step of a long run, with the time since the script began.
step() { printf '\n\033[1m==> [%d min %02d s] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

die() {
  printf '\033[1;31merror: %s\033[0m\n' "$*" >&2
  exit 1
}

# The value of the first `key = "value"` line of a TOML file.
toml_string() { sed -n "s/^$2 *= *\"\(.*\)\".*/\1/p" "$1" | head -n 1; }

# --- Pinned versions -------------------------------------------------------

# trunk enforces `trunk-version` itself; 0.22 needs a newer rustc.
TRUNK_VERSION=$(toml_string Trunk.toml trunk-version)
TRUNK_VERSION=${TRUNK_VERSION#=}

# The test runner and trunk refuse a wasm-bindgen-cli of another version than
# the crate's; Cargo.toml pins the crate (`=`) and Cargo.lock records it.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

# wasm-opt comes from npm's binaryen, pinned in package-lock.json: Debian's
# older one silently breaks the module.
BINARYEN_VERSION=$(awk '/"node_modules\/binaryen"/ { found = 1 } found && /"version"/ { gsub(/[",]/, "", $2); print $2; exit }' package-lock.json)

# axe-core, which the accessibility tests load into the page, pinned there too.
AXE_CORE_VERSION=$(awk '/"node_modules\/axe-core"/ { found = 1 } found && /"version"/ { gsub(/[",]/, "", $2); print $2; exit }' package-lock.json)

# Debian's, at the distribution's version. Building precompresses with brotli
# and zopfli; bubblewrap sandboxes the local backend's Python sessions
# (`--sandbox auto` uses it when it works). The tests drive Chromium.
DEBIAN_PACKAGES=(brotli zopfli bubblewrap)
DEBIAN_TEST_PACKAGES=(chromium chromium-driver)

# Trunk.toml carries its own copies of two pins (trunk reads them, not the
# lock files): stop before building when they have drifted apart.
check_trunk_pins() {
  local bindgen opt
  bindgen=$(toml_string Trunk.toml wasm_bindgen)
  opt=$(toml_string Trunk.toml wasm_opt)
  [[ -n "$TRUNK_VERSION" ]] || die "Trunk.toml has no trunk-version"
  [[ "$bindgen" == "$WASM_BINDGEN_VERSION" ]] ||
    die "Trunk.toml pins wasm_bindgen = \"$bindgen\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION; make them equal"
  [[ "$opt" == "version_${BINARYEN_VERSION%%.*}" ]] ||
    die "Trunk.toml pins wasm_opt = \"$opt\" but package-lock.json has binaryen $BINARYEN_VERSION (wasm_opt = \"version_${BINARYEN_VERSION%%.*}\"); make them agree"
}

# Installs the Debian packages named that are not installed yet, if any.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]} from Debian"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  # Another install may hold dpkg's lock for a while: wait rather than fail.
  local wait=(-o DPkg::Lock::Timeout=600)
  "${sudo[@]}" apt-get "${wait[@]}" update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" install -y -qq --no-install-recommends "${missing[@]}"
}
