#!/usr/bin/env bash
# fetch-base.sh BASE: fetch the base into $CACHE/trees/BASE ("make fetch");
# see fetch_base in scripts/bases.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

fetch_base "${1:?usage: fetch-base.sh BASE}"
