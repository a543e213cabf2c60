#!/usr/bin/env bash
# deps.sh: install the host tools the pipeline needs from Debian's packages.
# Only packages that are missing are installed. Needs root (or sudo).
set -euo pipefail

pkgs=(
	make gcc flex bison bc libelf-dev libssl-dev kmod cpio xz-utils rsync file
	git quilt sparse python3 perl python3-ply python3-git
	qemu-system-x86 busybox-static
	shellcheck b4 git-email gcc-aarch64-linux-gnu gnuplot-nox bats dash
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
