# shellcheck shell=bash
# Common helpers sourced by the pipeline scripts. Not executable on its own.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-$TOP/.cache}

# Harness defaults (the Makefile passes overrides through the environment).
SMP=${SMP:-2}
MEM=${MEM:-2G}
ACCEL=${ACCEL:-auto}
KASAN=${KASAN:-0}
STEPS=${STEPS:-all}
CHECKS=${CHECKS:-1}
BOOT=${BOOT:-1}
TESTS=${TESTS:-vmalloc/drain_hog.sh,vmalloc/drain_placement.sh,vmalloc/vmalloc_kunit.sh,mm/test_percpu_gfp.sh}
# Explicit thresholds: under emulation the workqueue code would otherwise
# auto-scale the CPU-intensive threshold up to 1 s and hide the reports.
CMDLINE=${CMDLINE:-workqueue.cpu_intensive_thresh_us=1000 workqueue.cpu_intensive_warning_thresh=1}
# Build variant: lockdep (default), kasan (KASAN=1 is short for
# VARIANT=kasan) or torture (fault injection + kmemleak, "make torture").
if [ -z "${VARIANT:-}" ]; then
	VARIANT=lockdep
	if [ "$KASAN" = 1 ]; then VARIANT=kasan; fi
fi
export CACHE SMP MEM ACCEL KASAN VARIANT STEPS CHECKS BOOT TESTS CMDLINE

die() {
	echo "error: $*" >&2
	exit 1
}

log() {
	echo "[$(date +%H:%M:%S)] $*" >&2
}

# need_tool <command> <debian package>: fail with the package to install.
need_tool() {
	command -v "$1" >/dev/null 2>&1 ||
		die "missing tool '$1'; install it with: apt-get install $2 (or run: make deps)"
}

# The pinned bases; BASES_FILE=... points the scripts at another list
# (the tooling tests use a fake base).
BASES_FILE=${BASES_FILE:-$TOP/configs/bases}

# base_field <BASE> <column>: look up $BASES_FILE (2=package 3=version 4=suite).
base_field() {
	local base=$1 col=$2 line
	line=$(awk -v b="$base" '$1 == b' "$BASES_FILE")
	[ -n "$line" ] || die "unknown BASE '$base'; known: $(awk '!/^#/ && NF {printf "%s ", $1}' "$BASES_FILE")"
	awk -v c="$col" '{print $c}' <<<"$line"
}

# variant_frags VARIANT: the Kconfig fragments (relative to configs/) of a
# build variant: the booted ones (lockdep, kasan) and the compile-only
# check configs of scripts/check-step.sh (i386, arm64, nosmp).
variant_frags() {
	case "$1" in
	lockdep | x86_64) echo qemu-x86_64.config debug.config test.config ;;
	kasan) echo qemu-x86_64.config debug.config test.config kasan.config ;;
	torture) echo qemu-x86_64.config debug.config test.config torture.config ;;
	i386 | arm64 | nosmp) echo "check/$1.config" ;;
	*) die "unknown build variant '$1'" ;;
	esac
}

# configure TREE OUT ARCH CROSS_COMPILE FRAGMENT...: the one Kconfig step of
# the harness: tinyconfig, the fragments merged on top, olddefconfig.
configure() {
	local tree=$1 out=$2 arch=$3 cross=$4
	shift 4
	mkdir -p "$out"
	make -s -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" tinyconfig >/dev/null 2>&1
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@" >"$out/merge.log" 2>&1
	make -s -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" olddefconfig >/dev/null 2>&1

	# A fragment option that did not survive olddefconfig means a missing
	# dependency: fail loudly instead of testing something else. Options
	# that the checked-out tree does not define at all (a test a later
	# patch adds) are only noted.
	local want sym missing=''
	while IFS= read -r want; do
		grep -qxF "$want" "$out/.config" && continue
		sym=${want%%=*}
		if git -C "$tree" grep -qE "^(menu)?config ${sym#CONFIG_}\$" -- '*Kconfig*'; then
			missing+=$'\n'$want
		else
			log "configure: $sym is not defined at this step"
		fi
	done < <(cat "$@" | grep -E '^CONFIG_[A-Z0-9_]+=')
	while IFS= read -r sym; do
		grep -q "^$sym=" "$out/.config" && missing+=$'\n'"# $sym is not set"
	done < <(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$@")
	[ -z "$missing" ] || die "config $out lacks:$missing"
}

tree_dir() { echo "$CACHE/trees/$1"; }

# lock_base BASE: hold an exclusive lock on the cached tree of BASE until
# the calling script exits, so that two jobs (a run and "make send", say)
# never check out different commits under each other. Waits if busy.
lock_base() {
	mkdir -p "$CACHE/trees"
	exec 9>"$CACHE/trees/$1.lock"
	if ! flock -n 9; then
		log "waiting for another job on base $1 to finish"
		flock 9
	fi
}

# The exact Debian package version of a fetched base, recorded at fetch time.
base_version() {
	local f
	f="$(tree_dir "$1").version"
	[ -f "$f" ] || die "base $1 is not fetched; run: make fetch BASE=$1"
	cat "$f"
}

# series_file <BASE>: the series a base uses (mainline or a stable backport).
series_file() {
	if [ -f "$TOP/stable/$1/series" ]; then
		echo "$TOP/stable/$1/series"
	else
		echo "$TOP/series"
	fi
}

# series_patches <series file>: patch paths in quilt order, comments skipped.
# The patches are in patches/ next to the series file, or in $PATCH_DIR.
series_patches() {
	local dir
	dir=${PATCH_DIR:-$(dirname "$1")/patches}
	awk '!/^[[:space:]]*(#|$)/ {print $1}' "$1" | while read -r p; do
		echo "$dir/$p"
	done
}

# apply_tests_only TREE SERIES: the "0+tests" step. Apply only the series'
# test patches (listed in testing/test-patches without their NNNN- prefix,
# so one entry covers the mainline and the stable copies of a test) onto a
# fresh branch "tests-only" of TREE; prints the commits like apply.sh.
apply_tests_only() {
	local list rc=0
	list=$(mktemp)
	series_patches "$2" | while read -r p; do
		p=${p##*/}
		if grep -qxF "${p#[0-9][0-9][0-9][0-9]-}" "$TOP/testing/test-patches"; then
			echo "$p"
		fi
	done >"$list"
	FORCE_BRANCH=1 PATCH_DIR="$(dirname "$2")/patches" \
		"$TOP/scripts/apply.sh" "$1" "$list" tests-only base || rc=$?
	rm -f "$list"
	return "$rc"
}

# apt_private ARGS...: run apt-get with the project's private apt
# configuration (configs/apt-sources.list, lists and caches under $CACHE);
# the machine's own apt configuration is neither read nor changed.
apt_private() {
	local d=$CACHE/apt cmd=${APT_CMD:-apt-get}
	mkdir -p "$d"/{lists/partial,archives/partial,parts,prefs}
	"$cmd" -o "Dir::Etc::sourcelist=$TOP/configs/apt-sources.list" \
		-o "Dir::Etc::sourceparts=$d/parts" \
		-o "Dir::Etc::preferencesparts=$d/prefs" \
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d" \
		-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" "$@"
}
