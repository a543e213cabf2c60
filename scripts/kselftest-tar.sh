#!/usr/bin/env bash
# kselftest-tar.sh BASE OUT.tar.gz: pack this series' kselftests the way
# "make -C tools/testing/selftests gen_tar" lays out an install: the
# kernel's run_kselftest.sh and kselftest/ helpers, kselftest-list.txt and
# one directory per collection, at the top of the archive as gen_tar's
# "tar -C $INSTALL_PATH ." puts them, so that run_kselftest.sh runs them
# on a kernel built from the series.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: kselftest-tar.sh BASE OUT.tar.gz}
out=${2:?usage: kselftest-tar.sh BASE OUT.tar.gz}
job_setup "$BASE"
tree=$JOB_TREE top=${JOB_COMMITS[-1]}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
k=$root
mkdir -p "$k/kselftest"
st=tools/testing/selftests
for f in run_kselftest.sh kselftest/runner.sh kselftest/ktap_helpers.sh kselftest/prefix.pl; do
	git -C "$tree" show "$top:$st/$f" >"$k/$f"
done
chmod +x "$k/run_kselftest.sh" "$k/kselftest/prefix.pl"
cp -a "$TOP/testing/selftests/." "$k/"
for t in ${TESTS//,/ }; do
	if [ ! -e "$k/$t" ]; then
		mkdir -p "$k/${t%/*}"
		git -C "$tree" show "$top:$st/$t" >"$k/$t" 2>/dev/null || continue
		chmod +x "$k/$t"
	fi
	echo "${t%/*}:${t#*/}"
done >"$k/kselftest-list.txt"
# As gen_tar packs it: the install directory's contents at the top.
tar -C "$k" -czf "$out" .
log "kselftest tarball: $out ($(wc -l <"$k/kselftest-list.txt") tests)"
