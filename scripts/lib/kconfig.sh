# shellcheck shell=bash
# scripts/lib/kconfig.sh: the build variants (their Kconfig fragments) and
# the one Kconfig step.
# Sourced by scripts/lib.sh (source that, not this file); uses its die/log.

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

# variant_target VARIANT: "ARCH CROSS_COMPILE" a build variant is built
# for, "-" for no cross compiler.
variant_target() {
	case "$1" in
	lockdep | x86_64 | kasan | torture | perf | nosmp) echo "x86_64 -" ;;
	i386) echo "i386 -" ;;
	arm64) echo "arm64 aarch64-linux-gnu-" ;;
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
