# shellcheck shell=bash
# Common helpers sourced by the pipeline scripts. Not executable on its own.

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
# perf (no debug options; the throughput part of "make bench").
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

# variant_frags VARIANT: the Kconfig fragments (relative to configs/) of a
# build variant: the booted ones (lockdep, kasan) and the compile-only
# check configs of scripts/check-step.sh (i386, arm64, nosmp).
variant_frags() {
	case "$1" in
	lockdep | x86_64) echo qemu-x86_64.config debug.config test.config ;;
	kasan) echo qemu-x86_64.config debug.config test.config kasan.config ;;
	torture) echo qemu-x86_64.config debug.config test.config torture.config ;;
	perf) echo qemu-x86_64.config perf.config ;;
	i386 | arm64 | nosmp) echo "check/$1.config" ;;
	*) die "unknown build variant '$1'" ;;
	esac
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

# person_identity NAME EMAIL: whether NAME <EMAIL> can be a person's mail
# identity. Unset values, reserved domains (.example, .invalid, .test,
# .localhost, example.com/org/net) and no-reply addresses are not.
person_identity() {
	local email=${2,,}
	[ -n "$1" ] && [ -n "$email" ] || return 1
	case "$email" in
	*@*.*) ;;
	*) return 1 ;;
	esac
	case "$email" in
	*noreply* | *no-reply* | *.example | *.invalid | *.test | *.localhost | \
		*@example.com | *@example.org | *@example.net | *@localhost*) return 1 ;;
	esac
	return 0
}

# sender_identity: set SENDER_NAME and SENDER_EMAIL from the git identity
# of this checkout (whoever runs "make send"). With SEND=1 an identity that
# is not a person's (person_identity) is refused; a dry run warns and
# carries on. Returns 1 (after the warning) when it is not a person's.
sender_identity() {
	SENDER_NAME=$(git -C "$TOP" config user.name || true)
	SENDER_EMAIL=$(git -C "$TOP" config user.email || true)
	person_identity "$SENDER_NAME" "$SENDER_EMAIL" && return 0
	[ "${SEND:-0}" != 1 ] ||
		die "refusing to send as '$SENDER_NAME <$SENDER_EMAIL>', which is not a person's address; set yours with: git config user.name 'Your Name'; git config user.email you@your.domain (your own address)"
	log "WARNING: '$SENDER_NAME <$SENDER_EMAIL>' is not a person's identity; this could not be sent as it is (set git config user.name/user.email)"
	return 1
}

# send_mails GITDIR MAIL...: hand the mails to git send-email as the
# checkout's git identity (git-email installed, SMTP configured as usual).
send_mails() {
	local dir=$1
	shift
	[ -x "$(git --exec-path)/git-send-email" ] ||
		die "missing 'git send-email'; install it with: apt-get install git-email"
	git -C "$dir" send-email --confirm=never "$@"
}

# ktap_check NAME CMD...: run CMD and append its result to the caller's
# array "results" for ktap_print: "ok %d NAME", or "not ok %d NAME" with
# the last 15 lines of CMD's output as its diagnostics.
ktap_check() {
	local name=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		results+=("ok %d $name")
	else
		results+=("not ok %d $name"$'\n'"$(tail -n 15 <<<"$out" | sed 's/^/# /')")
	fi
}

# ktap_print RESULT...: a KTAP document of the results, each "ok %d NAME"
# or "not ok %d NAME" followed by optional "# ..." lines, which are
# printed before their result line (ktap.rst); fails if any is not ok.
ktap_print() {
	local r i=0 fail=0 pass=0
	echo "KTAP version 1"
	echo "1..$#"
	for r in "$@"; do
		i=$((i + 1))
		[[ $r != *$'\n'* ]] || printf '%s\n' "${r#*$'\n'}"
		# The number goes in place of the "%d" of the result line; the
		# diagnostics are text (checker output can contain "%").
		r=${r%%$'\n'*}
		printf '%s\n' "${r/\%d/$i}"
		if [[ $r == "not ok"* ]]; then fail=$((fail + 1)); else pass=$((pass + 1)); fi
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	[ "$fail" = 0 ]
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

# Patch and posting facts: patches.meta (META=... for the tooling tests).
META=${META:-$TOP/patches.meta}

# meta_series SERIES_FILE: the SERIES column of patches.meta for a series
# file: "mainline" for ./series, "X.Y" for stable/X.Y/series.
meta_series() {
	case "$1" in
	*/stable/*/series) basename "$(dirname "$1")" ;;
	*) echo mainline ;;
	esac
}

# patch_slug PATH: the patch file name without its NNNN- prefix.
patch_slug() {
	local f=${1##*/}
	echo "${f#[0-9][0-9][0-9][0-9]-}"
}

# meta_patch SERIES SLUG FIELD: one field of a patch record; fails if the
# patch has no record or the record lacks the field.
meta_patch() {
	local v
	v=$(awk -v s="$1" -v p="$2" -v f="$3" '
		$1 == "patch" && $2 == s && $3 == p {
			for (i = 4; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); found = 1 }
			rec = 1
		}
		END { exit rec ? (found ? 0 : 2) : 1 }' "$META") ||
		die "$META: no '$3' for patch '$2' of series '$1'"
	echo "$v"
}

# meta_field TYPE NAME FIELD: one field of the record "TYPE NAME ...".
meta_field() {
	local v
	v=$(awk -v t="$1" -v n="$2" -v f="$3" '
		$1 == t && $2 == n {
			for (i = 3; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); found = 1 }
		}
		END { exit found ? 0 : 1 }' "$META") ||
		die "$META: no '$3' for $1 '$2'"
	echo "$v"
}

# meta_commit_subject SHA: the subject of an upstream commit (record
# "commit SHA SUBJECT...").
meta_commit_subject() {
	awk -v c="$1" '$1 == "commit" && $2 == c { sub(/^commit [0-9a-f]+ /, ""); print; f = 1 } END { exit !f }' "$META" ||
		die "$META: no commit record for $1"
}

# meta_posting NAME FIELD: one field of a posting record.
meta_posting() { meta_field posting "$1" "$2"; }

# meta_queue X.Y FIELD: one field of the record of stable queue X.Y.
meta_queue() { meta_field queue "$1" "$2"; }

# meta_postings: the posting names, in their order.
meta_postings() {
	awk '$1 == "posting" { for (i = 3; i <= NF; i++) if ($i ~ /^order=/) print substr($i, 7), $2 }' "$META" |
		sort -n | awk '{ print $2 }'
}

# series_select SERIES_FILE FIELD VALUE: the patch paths of a series, in
# series order, whose patches.meta FIELD is VALUE.
series_select() {
	local key p
	key=$(meta_series "$1")
	series_patches "$1" | while read -r p; do
		if [ "$(meta_patch "$key" "$(patch_slug "$p")" "$2")" = "$3" ]; then
			echo "$p"
		fi
	done
}

# meta_check SERIES_FILE: every patch of the series has a complete record
# with valid values, and every record of the series names a patch in it.
meta_check() {
	local key p slug v up all err=''
	[ -f "$META" ] || die "missing $META"
	key=$(meta_series "$1")
	while read -r p; do
		slug=$(patch_slug "$p")
		v=$(meta_patch "$key" "$slug" kind 2>/dev/null) || v=''
		case "$v" in
		fix | optimization | cleanup | test) ;;
		*) err+=$'\n'"  $slug: kind='$v' (fix, optimization, cleanup or test)" ;;
		esac
		v=$(meta_patch "$key" "$slug" upstream 2>/dev/null) || v=''
		if ! grep -qE '^(new|pending:[^ ]+@[^ ]+|mainline:[0-9a-f]{40}(,[0-9a-f]{40})*)$' <<<"$v"; then
			err+=$'\n'"  $slug: upstream='$v' (new, pending:<Message-ID> or mainline:<40-hex sha>)"
		fi
		if [ "$key" = mainline ]; then
			up=$v
			v=$(meta_patch "$key" "$slug" posting 2>/dev/null) || v=''
			if [ "$v" = - ]; then
				[[ $up == pending:* ]] ||
					err+=$'\n'"  $slug: posting=- is only for a stand-in (upstream=pending:)"
				(meta_patch "$key" "$slug" author) >/dev/null 2>&1 ||
					err+=$'\n'"  $slug: a stand-in names the queued patch's author (author=)"
			elif [[ $up == pending:* ]]; then
				err+=$'\n'"  $slug: a stand-in (upstream=pending:) is never posted; posting='$v' must be -"
			else
				(meta_posting "$v" order) >/dev/null 2>&1 ||
					err+=$'\n'"  $slug: posting='$v' has no posting record"
			fi
		fi
	done < <(series_patches "$1")
	all=$(series_patches "$1")
	while read -r slug; do
		grep -qF -- "-$slug" <<<"$all" ||
			err+=$'\n'"  $slug: recorded but not in ${1#"$TOP"/}"
	done < <(awk -v s="$key" '$1 == "patch" && $2 == s { print $3 }' "$META")
	[ -z "$err" ] || die "$META does not match ${1#"$TOP"/}:$err"
}

# meta_list TYPE NAME FIELD: a comma-list field as lines ("-" is empty).
meta_list() {
	local v
	v=$( (meta_field "$1" "$2" "$3") 2>/dev/null) || v=-
	[ "$v" = - ] || tr ',' '\n' <<<"$v"
}

# posting_prereqs POSTING: the Message-IDs of the queued upstream patches
# a posting builds on, its own (prereq=) and those of the postings it
# needs, once each.
posting_prereqs() {
	local n
	{
		meta_list posting "$1" prereq
		for n in $(meta_list posting "$1" needs); do
			meta_list posting "$n" prereq
		done
	} | awk '!seen[$0]++'
}

# posting_stack POSTING: the patches of the mainline series that go under
# a posting, in series order: the stand-ins of its prerequisites
# (posting_prereqs) and the patches of the postings it needs.
posting_stack() {
	local p slug v want ids
	want=" $(meta_list posting "$1" needs | tr '\n' ' ') "
	ids=" $(posting_prereqs "$1" | tr '\n' ' ') "
	series_patches "$TOP/series" | while read -r p; do
		slug=$(patch_slug "$p")
		v=$(meta_patch mainline "$slug" posting)
		if [ "$v" = - ]; then
			v=$(meta_patch mainline "$slug" upstream)
			[[ $ids == *" ${v#pending:} "* ]] && echo "$p"
		elif [[ $want == *" $v "* ]]; then
			echo "$p"
		fi
	done
}

# standins [SERIES_FILE]: the stand-in patches (upstream=pending:) of a
# series, default the mainline one.
standins() {
	local s=${1:-$TOP/series} key p
	key=$(meta_series "$s")
	series_patches "$s" | while read -r p; do
		[[ $(meta_patch "$key" "$(patch_slug "$p")" upstream) == pending:* ]] && echo "$p"
	done
	return 0
}

# postings_check_order: the posted patches of the mainline series are
# the postings' patches in the postings' order, and every prerequisite of
# a posting is a stand-in of the series placed before the posting's
# patches. Prints what is wrong and fails.
postings_check_order() {
	local p f id list posted first pos at err=''
	list=$(for p in $(meta_postings); do series_select "$TOP/series" posting "$p"; done)
	posted=$(series_patches "$TOP/series" | while read -r f; do
		[ "$(meta_patch mainline "$(patch_slug "$f")" posting)" = - ] || echo "$f"
	done)
	[ "$list" = "$posted" ] ||
		err+=$'\n'"  the series file does not list the postings' patches in the postings' order"
	for p in $(meta_postings); do
		first=$(series_select "$TOP/series" posting "$p" | head -n 1)
		at=$(series_patches "$TOP/series" | grep -nxF "$first" | cut -d: -f1)
		for id in $(meta_list posting "$p" prereq); do
			pos=$(series_patches "$TOP/series" | grep -nxF -f <(standins "$TOP/series" | while read -r f; do
				[ "$(meta_patch mainline "$(patch_slug "$f")" upstream)" = "pending:$id" ] && echo "$f"
			done) | head -n 1 | cut -d: -f1)
			if [ -z "$pos" ]; then
				err+=$'\n'"  posting $p: prerequisite <$id> has no stand-in (upstream=pending:$id) in the series"
			elif [ "$pos" -gt "$at" ]; then
				err+=$'\n'"  posting $p: the stand-in for <$id> comes after the posting's first patch"
			fi
		done
	done
	[ -z "$err" ] || { echo "patches.meta and the series disagree:$err" >&2; return 1; }
}

# postings_check TREE: postings_check_order, and each posting applies to
# the base of TREE on top of posting_stack alone (git apply on a scratch
# index, so nothing in TREE changes).
postings_check() {
	local tree=$1 p f idx err=''
	postings_check_order || exit 1
	idx=$(mktemp)
	for p in $(meta_postings); do
		GIT_INDEX_FILE=$idx git -C "$tree" read-tree base
		while read -r f; do
			GIT_INDEX_FILE=$idx git -C "$tree" apply --cached "$f" 2>/dev/null ||
				err+=$'\n'"  posting $p: $(basename "$f") does not apply on the base with only the patches it builds on"
		done < <(posting_stack "$p"; series_select "$TOP/series" posting "$p")
	done
	rm -f "$idx"
	[ -z "$err" ] || die "postings do not apply on their own:$err"
}

# apply_tests_only TREE SERIES: the "0+tests" step. Apply only the series'
# test patches (kind=test in patches.meta) onto a fresh branch
# "tests-only" of TREE; prints the commits like apply.sh.
apply_tests_only() {
	local list rc=0
	list=$(mktemp)
	series_select "$2" kind test | sed 's|.*/||' >"$list"
	FORCE_BRANCH=1 PATCH_DIR="$(dirname "$2")/patches" \
		apply_series "$1" "$list" tests-only base || rc=$?
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

# shellcheck source=scripts/bases.sh
. "$TOP/scripts/bases.sh"

# The base a job runs on when none is given: the mainline one.
BASE=${BASE:-$(mainline_base)}
export BASE
