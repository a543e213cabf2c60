#!/usr/bin/env bash
# apply.sh TREE SERIES BRANCH [START]: git am a series onto a new branch of
# a git tree ("make apply KDIR=..."); see apply_series in scripts/bases.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: apply.sh TREE SERIES BRANCH [START]"
apply_series "$@"
