# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Sourced first by every in-guest test script of this repository
# (testing/selftests/*/, testing/bench/guest/, testing/torture/guest/; in
# the guest they sit one directory below this file's lib/):
#   . "$(dirname "$0")/../lib/ksft.sh"
# Strict mode, kselftest's skip exit code and the SKIP checks the tests
# share. Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

set -eu
# pipefail where the shell has it (bash, busybox ash); Debian's dash
# 0.5.12 rejects the option, so it must not be set unconditionally.
# shellcheck disable=SC3040
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi

# shellcheck disable=SC2034 # read by the scripts that source this file
ksft_skip=4

# need_modules MODULE...: SKIP unless modprobe can find every MODULE.
need_modules() {
	for m in "$@"; do
		if ! modprobe -D "$m" >/dev/null 2>&1; then
			echo "SKIP: module $m not available (not built as a module?)"
			exit $ksft_skip
		fi
	done
}
