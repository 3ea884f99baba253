#!/usr/bin/env bash
# Installs what building, running and testing Service Portal needs, and only what is missing:
# Debian packages through apt (with sudo when not root) and the pinned npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	gcc make pkg-config                               # build
	libfcgi-dev libjson-c-dev libjwt-dev libmariadb-dev libsodium-dev
	mariadb-server mariadb-client                     # the private database under var/
	nginx-light                                       # static files and FastCGI in front of portald
	chromium fonts-dejavu-core                        # browser tests
	curl ca-certificates tzdata iproute2
	clang-format cppcheck                             # make lint
	clang libclang-rt-14-dev                          # make fuzz (libFuzzer, sanitizer runtimes)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing Debian packages: ${missing[*]}"
	# Our MariaDB and nginx run privately under var/: keep apt from starting the system services.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
		$sudo chmod +x "$policy"
	fi
	trap '[ -n "$policy" ] && $sudo rm -f "$policy"' EXIT
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
	echo "Node.js 20 or newer is needed for the browser tests (found $(node --version))." >&2
	exit 1
fi

# npm packages: exact versions from the committed lock files, installed when missing or stale.
for dir in frontend tests; do
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
		echo "installing npm packages in $dir/"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
done
