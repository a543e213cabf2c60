# shellcheck shell=bash
# The library of the pipeline scripts: defaults, die/log/need_tool, the
# setting checks, apt; by concern in scripts/lib/ and scripts/bases.sh,
# which it sources. Not executable on its own.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Every script that sources this file answers -h/--help with its header
# comment (the comment lines after the "#!" line) and does nothing else.
case "${1:-}" in -h | --help)
	awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
	exit 0
	;;
esac
CACHE=${CACHE:-$TOP/.cache}

# Harness defaults (the Makefile passes overrides through the environment).
SMP=${SMP:-2}
MEM=${MEM:-2G}
ACCEL=${ACCEL:-auto}
KASAN=${KASAN:-0}
STEPS=${STEPS:-all}
CHECKS=${CHECKS:-1}
BOOT=${BOOT:-1}
TESTS=${TESTS:-vmalloc/drain_placement.sh,vmalloc/vmalloc_kunit.sh,mm/test_percpu_gfp.sh}
# Explicit thresholds: under emulation the workqueue code would otherwise
# auto-scale the CPU-intensive threshold up to 1 s and hide the reports.
CMDLINE=${CMDLINE:-workqueue.cpu_intensive_thresh_us=1000 workqueue.cpu_intensive_warning_thresh=1}
# Build variant: lockdep (default), kasan (KASAN=1 is short for
# VARIANT=kasan), torture (fault injection + kmemleak, "make torture") or
# perf (no debug options; the throughput part of "make bench"). The
# variant and boot timeout a job uses: job_variant, job_boot_timeout.
USER_VARIANT=${VARIANT:-} USER_BOOT_TIMEOUT=${BOOT_TIMEOUT:-}
if [ -z "${VARIANT:-}" ]; then
	VARIANT=lockdep
	if [ "$KASAN" = 1 ]; then VARIANT=kasan; fi
fi
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}
export CACHE SMP MEM ACCEL KASAN VARIANT STEPS CHECKS BOOT TESTS CMDLINE BOOT_TIMEOUT
# The static checks of every step (scripts/check-step.sh; the configs are
# build variants of scripts/lib/kconfig.sh), the emulator and the busybox
# of the guest (scripts/boot.sh, scripts/mkinitramfs.sh).
CHECK_CONFIGS=${CHECK_CONFIGS:-x86_64 i386 arm64 nosmp kasan}
QEMU=${QEMU:-qemu-system-x86_64}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Job defaults: make bench (scripts/bench.sh), make torture
# (scripts/torture.sh), make ablation (scripts/ablation.sh).
BENCH_PARTS=${BENCH_PARTS:-throughput,isolcpu,ablation}
BENCH_BOOTS=${BENCH_BOOTS:-3}
BENCH_ISOL_BOOTS=${BENCH_ISOL_BOOTS:-2}
BENCH_SMP=${BENCH_SMP:-1 2 4}
TORTURE_BOOTS=${TORTURE_BOOTS:-2}
TORTURE_MEM=${TORTURE_MEM:-256M}
TORTURE_TESTS=${TORTURE_TESTS:-torture/hotplug_churn.sh,torture/mem_pressure.sh,torture/fault_inject.sh,torture/reclaim_stall.sh,torture/pool_decay.sh}
# Six rounds: the fewest pairs with which the sign test can reach p < 0.05.
AB_BOOTS=${AB_BOOTS:-6}
ABLATION_POSTING=${ABLATION_POSTING:-drain}
ABLATION_PAGES=${ABLATION_PAGES:-64}
ABLATION_LOOPS=${ABLATION_LOOPS:-20000}
# The steps scripts/ab-boots.sh compares (torture: the base with the
# series' test patches, AB_BASE_STEP=0+tests).
AB_BASE_STEP=${AB_BASE_STEP:-0}
AB_TOP_STEP=${AB_TOP_STEP:-top}
# make send's b4 prep trees and mails; the longest notes part below
# "---" that scripts/postings-lint.sh accepts, in lines.
SEND_DIR=${SEND_DIR:-$CACHE/send}
MAX_NOTES=${MAX_NOTES:-40}

# job_variant JOB: the build variant of a job: the throughput and CPU-axis
# parts of make bench and make layout look at a kernel without debug
# options (perf) unless VARIANT is given, make torture builds the torture
# variant, every other job VARIANT.
job_variant() {
	case "$1" in
	throughput | cpus | layout) echo "${USER_VARIANT:-perf}" ;;
	torture) echo torture ;;
	*) echo "$VARIANT" ;;
	esac
}

# job_boot_timeout JOB: seconds before a guest of JOB is killed: the
# throughput bench runs longest (30 min) unless BOOT_TIMEOUT is given.
job_boot_timeout() {
	case "$1" in
	throughput) echo "${USER_BOOT_TIMEOUT:-1800}" ;;
	*) echo "$BOOT_TIMEOUT" ;;
	esac
}

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

# latest_report BASE [VARIANT]: the run directory of the latest "make" of
# BASE (VARIANT, default lockdep): the cache's, or on a fresh clone the
# newest lockdep run committed as results/make-BASE-<time>/; prints
# nothing when there is none.
latest_report() {
	local r
	r=$(readlink -f "$CACHE/reports/latest-$1${2:+-$2}" 2>/dev/null || true)
	if [ -n "$r" ] && [ -f "$r/meta" ]; then
		echo "$r"
	elif [ "${2:-lockdep}" = lockdep ] && [ -d "$TOP/results" ]; then
		find "$TOP/results" -maxdepth 1 -name "make-$1-*" | sort | tail -n 1
	fi
}

# check_settings SERIES_FILE: fail at once, before any fetch or build, on
# a setting that would run something other than what was asked: STEPS,
# VARIANT, SMP, BOOTS counts, and TESTS entries that name no test (in
# testing/selftests, testing/NAME/guest as NAME/X.sh, or added under
# tools/testing/selftests by a patch of SERIES_FILE).
check_settings() {
	local t d dir
	dir=$(dirname "$1")
	case "$STEPS" in all | ends) ;; *) die "STEPS must be all or ends, not '$STEPS'" ;; esac
	case "$VARIANT" in lockdep | kasan | torture | perf) ;;
	*) die "VARIANT must be lockdep, kasan, torture or perf, not '$VARIANT'" ;;
	esac
	[[ $SMP =~ ^[1-9][0-9]*$ ]] || die "SMP must be a number of vCPUs, not '$SMP'"
	for t in BENCH_BOOTS TORTURE_BOOTS AB_BOOTS; do
		[ -z "${!t:-}" ] || [[ ${!t} =~ ^[1-9][0-9]*$ ]] || die "$t must be a positive number, not '${!t}'"
	done
	for t in ${TESTS//,/ }; do
		[[ $t == */* ]] || die "TESTS entry '$t' is not DIR/TEST (for example vmalloc/drain_placement.sh)"
		d=${t%%/*}
		[ -e "$TOP/testing/selftests/$t" ] || [ -e "$TOP/testing/$d/guest/${t#*/}" ] ||
			grep -qxF "+++ b/tools/testing/selftests/$t" "$dir"/patches/*.patch 2>/dev/null ||
			die "TESTS entry '$t' names no test (not in testing/selftests, testing/$d/guest, or added by a patch of ${1#"$TOP"/})"
	done
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

# The library by concern; bases.sh (bases, trees, applying a series, the
# job setup) comes last since it uses the others.
# shellcheck source=scripts/lib/kconfig.sh
. "$TOP/scripts/lib/kconfig.sh"
# shellcheck source=scripts/lib/mail.sh
. "$TOP/scripts/lib/mail.sh"
# shellcheck source=scripts/lib/ktap.sh
. "$TOP/scripts/lib/ktap.sh"
# shellcheck source=scripts/lib/meta.sh
. "$TOP/scripts/lib/meta.sh"
# shellcheck source=scripts/lib/results.sh
. "$TOP/scripts/lib/results.sh"
# shellcheck source=scripts/bases.sh
. "$TOP/scripts/bases.sh"

# The base a job runs on when none is given: the mainline one.
BASE=${BASE:-$(mainline_base)}
export BASE
