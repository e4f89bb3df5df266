#!/usr/bin/env bash
# e2e-deps.sh prepares everything the browser tests (e2e/) need, offline-friendly:
#   1. Debian's Chromium at $PAYWALL_CHROMIUM (default /usr/bin/chromium),
#   2. Node.js + npm and the pinned npm packages from package-lock.json (playwright-core 1.52.0, axe-core),
#   3. the playwright-go driver directory .playwright-driver/ (package -> node_modules/playwright-core,
#      node -> the system node), which e2e/ passes to playwright.Run as RunOptions.DriverDirectory.
# playwright-go v0.5200.1 never downloads anything in playwright.Run; it only checks that
# <driver dir>/package/cli.js reports 1.52.0, so this script is all the setup it needs.
# PAYWALL_E2E=off skips all of it (the browser tests then skip too).
# Idempotent: prints nothing when everything is already in place. Installs with apt-get only when it is
# available and we are root (or have passwordless sudo); otherwise it says exactly what to install.
set -euo pipefail

if [ "${PAYWALL_E2E:-}" = "off" ]; then
	echo "e2e-deps: PAYWALL_E2E=off: not preparing browser-test dependencies"
	exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PW_VERSION="1.52.0"
CHROMIUM="${PAYWALL_CHROMIUM:-/usr/bin/chromium}"
DRIVER_DIR="${PAYWALL_PLAYWRIGHT_DRIVER:-$ROOT/.playwright-driver}"

say() { printf 'e2e-deps: %s\n' "$*"; }
die() { printf 'e2e-deps: error: %s\n' "$*" >&2; exit 1; }

# apt_cmd prints how to call apt-get as root, or nothing when we cannot.
apt_cmd() {
	command -v apt-get >/dev/null 2>&1 || return 0
	if [ "$(id -u)" -eq 0 ]; then
		echo "apt-get"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		echo "sudo -n apt-get"
	fi
}

APT_UPDATED=""
# apt_install installs Debian packages non-interactively. Another apt/dpkg run (e.g. a background
# install) holds the dpkg lock: wait for it up to 10 minutes instead of failing.
apt_install() {
	local apt
	apt="$(apt_cmd)"
	[ -n "$apt" ] || return 1
	export DEBIAN_FRONTEND=noninteractive
	local lock=(-o DPkg::Lock::Timeout=600)
	if [ -z "$APT_UPDATED" ]; then
		say "apt-get update"
		$apt "${lock[@]}" -qq update >/dev/null
		APT_UPDATED=1
	fi
	say "apt-get install $*"
	$apt "${lock[@]}" -qq -y --no-install-recommends install "$@" >/dev/null
}

# --- 1. Chromium -------------------------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
	if [ -n "${PAYWALL_CHROMIUM:-}" ] && [ "$PAYWALL_CHROMIUM" != "/usr/bin/chromium" ]; then
		die "PAYWALL_CHROMIUM=$PAYWALL_CHROMIUM is not an executable file"
	fi
	# A parallel apt-get (e.g. started in the background) may be installing it right now.
	if pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; then
		say "waiting for a running apt-get/dpkg (up to 10 min) before installing chromium"
		for _ in $(seq 1 300); do
			[ -x "$CHROMIUM" ] && break
			pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1 || break
			sleep 2
		done
	fi
	if [ ! -x "$CHROMIUM" ]; then
		if ! apt_install chromium fonts-liberation fonts-dejavu-core; then
			cat >&2 <<-MSG
			e2e-deps: Chromium is missing at $CHROMIUM and apt-get is not usable here.
			  On Debian/Ubuntu (as root):  apt-get update && apt-get install -y chromium
			  Elsewhere: install Chromium or Chrome and set PAYWALL_CHROMIUM=/path/to/the/browser binary.
			MSG
			exit 1
		fi
		[ -x "$CHROMIUM" ] || die "chromium installed but $CHROMIUM still missing"
	fi
fi

# --- 2. Node.js, npm and the pinned packages ---------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if ! apt_install nodejs npm; then
		cat >&2 <<-MSG
		e2e-deps: Node.js (>= 18) and npm are needed to run the Playwright driver.
		  On Debian/Ubuntu (as root):  apt-get update && apt-get install -y nodejs npm
		  Elsewhere: install Node.js >= 18 from your package manager or https://nodejs.org
		MSG
		exit 1
	fi
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "Node.js $(node --version) is too old: playwright-core $PW_VERSION needs >= 18"

# deps_ok succeeds when every dependency in package.json is installed at exactly its pinned version.
deps_ok() {
	node -e '
		const fs = require("fs");
		const deps = require("./package.json").dependencies || {};
		for (const [name, want] of Object.entries(deps)) {
			let have;
			try { have = JSON.parse(fs.readFileSync("node_modules/" + name + "/package.json")).version; }
			catch (e) { process.exit(1); }
			if (have !== want) process.exit(1);
		}' 2>/dev/null
}
if ! deps_ok; then
	say "npm ci (playwright-core $PW_VERSION, axe-core)"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	deps_ok || die "node_modules does not match package.json after npm ci"
fi

# --- 3. playwright-go driver directory ---------------------------------------------------------
# playwright-go runs <dir>/node <dir>/package/cli.js (PLAYWRIGHT_NODEJS_PATH overrides the node part).
mkdir -p "$DRIVER_DIR"
want_pkg="$ROOT/node_modules/playwright-core"
want_node="$(command -v node)"
if [ "$(readlink "$DRIVER_DIR/package" 2>/dev/null || true)" != "$want_pkg" ]; then
	rm -rf "$DRIVER_DIR/package"
	ln -s "$want_pkg" "$DRIVER_DIR/package"
fi
if [ "$(readlink "$DRIVER_DIR/node" 2>/dev/null || true)" != "$want_node" ]; then
	rm -f "$DRIVER_DIR/node"
	ln -s "$want_node" "$DRIVER_DIR/node"
fi
got="$("$DRIVER_DIR/node" "$DRIVER_DIR/package/cli.js" --version 2>&1 || true)"
case "$got" in
*"$PW_VERSION"*) ;;
*) die "driver check failed: '$DRIVER_DIR/node $DRIVER_DIR/package/cli.js --version' printed: $got" ;;
esac
