#!/usr/bin/env bash
# ab-boots.sh NAME TESTS: same-run A/B boots for "make bench" and
# "make torture". Applies the series of BASE to the cached tree, builds the
# base kernel (step AB_BASE_STEP: 0 = plain base, default; 0+tests = base
# with the series' test patches only; k = the first k patches) and the
# top of the series (or step AB_TOP_STEP=k) with the same config
# (VARIANT), then boots each AB_BOOTS times in alternating
# order (base, series, series, base, ...) so that drift on a noisy host
# hits both, running the in-guest TESTS. Results: one directory per boot,
# $CACHE/NAME/<BASE>-<time>/{base,series}-<n>/ (see scripts/boot.sh), plus
# a meta file; latest-<BASE> points at it. Prints the directory.
# AB_STEPS="0 1 2" instead boots one kernel per listed step (step<k>-<n>/),
# round by round, for make ablation's side-by-side columns.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

name=${1:?usage: ab-boots.sh NAME TESTS}
tests=${2:?usage: ab-boots.sh NAME TESTS}
[[ $AB_BOOTS =~ ^[1-9][0-9]*$ ]] || die "the number of boots must be a positive number, not '$AB_BOOTS'"
[[ $AB_BASE_STEP =~ ^(0|0\+tests|[1-9][0-9]*)$ ]] || die "AB_BASE_STEP must be 0, 0+tests or a step number, not '$AB_BASE_STEP'"
[[ $AB_TOP_STEP =~ ^(top|[1-9][0-9]*)$ ]] || die "AB_TOP_STEP must be top or a step number, not '$AB_TOP_STEP'"
steps=()
if [ -n "${AB_STEPS:-}" ]; then
	read -ra steps <<<"$AB_STEPS"
	[ "${#steps[@]}" -ge 2 ] || die "AB_STEPS needs two steps or more, not '$AB_STEPS'"
	prev=-1
	for k in "${steps[@]}"; do
		[[ $k =~ ^(0|[1-9][0-9]*)$ ]] || die "AB_STEPS: '$k' is not a step number"
		[ "$k" -gt "$prev" ] || die "AB_STEPS must be ascending step numbers, not '$AB_STEPS'"
		prev=$k
	done
fi
job_setup "$BASE"
tree=$JOB_TREE series=$JOB_SERIES commits=("${JOB_COMMITS[@]}")
last=$((${#commits[@]} - 1))
[ "$AB_TOP_STEP" != top ] || AB_TOP_STEP=$last
[ "$AB_TOP_STEP" -le "$last" ] || die "AB_TOP_STEP=$AB_TOP_STEP: the series has $last patches"
# The kernels: names, commits and meta lines. Two (base, series) as set
# above, or with AB_STEPS="k0 k1 ..." (ascending step numbers) one kernel
# per step, named step<k>.
declare -A commit desc
names=()
if [ -n "${AB_STEPS:-}" ]; then
	for k in "${steps[@]}"; do
		[ "$k" -le "$last" ] || die "AB_STEPS: step $k, but the series has $last patches"
		names+=("step$k") commit[step$k]=${commits[$k]}
		desc[step$k]="step $k: $(git -C "$tree" log -1 --format='%h %s' "${commits[$k]}")"
	done
else
	label=''
	case "$AB_BASE_STEP" in
	0) basec=${commits[0]} ;;
	[1-9]*)
		[ "$AB_BASE_STEP" -lt "$AB_TOP_STEP" ] || die "AB_BASE_STEP=$AB_BASE_STEP must come before AB_TOP_STEP=$AB_TOP_STEP"
		basec=${commits[$AB_BASE_STEP]}
		label=" (patch $AB_BASE_STEP)"
		;;
	0+tests)
		mapfile -t tcommits < <(apply_tests_only "$tree" "$series")
		basec=${tcommits[-1]}
		label=" (the base with only the series' $((${#tcommits[@]} - 1)) test patches)"
		;;
	esac
	names=(base series) commit[base]=$basec commit[series]=${commits[$AB_TOP_STEP]}
	desc[base]="step $AB_BASE_STEP$label: $(git -C "$tree" log -1 --format='%h %s' "$basec")"
	desc[series]="patch $AB_TOP_STEP$([ "$AB_TOP_STEP" = "$last" ] && echo ' (top)'): $(git -C "$tree" log -1 --format='%h %s' "${commits[$AB_TOP_STEP]}")"
fi
declare -A art
for k in "${names[@]}"; do
	art[$k]=$("$TOP/scripts/build.sh" "$BASE" "${commit[$k]}")
done

out=$CACHE/$name/$BASE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
ln -sfn "$(basename "$out")" "$CACHE/$name/latest-$BASE"
{
	echo "base=$BASE"
	echo "package=$(base_field "$BASE" 2) $(base_version "$BASE")"
	if [ -n "${AB_STEPS:-}" ]; then
		echo "kernels=${names[*]}"
		for k in "${names[@]}"; do echo "kernel.$k=${desc[$k]}"; done
	else
		echo "base_kernel=${desc[base]}"
		echo "top=${desc[series]}"
	fi
	echo "series=${series#"$TOP"/} ($((${#commits[@]} - 1)) patches)"
	echo "variant=$VARIANT"
	echo "boots=$AB_BOOTS"
	echo "smp=$SMP"
	echo "mem=$MEM"
	echo "tests=$tests"
	echo "cmdline=$CMDLINE"
	echo "host=$(uname -m) $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
} | run_meta "$out"

# Round i boots every kernel once, in order on odd rounds and in reverse
# on even ones, so that neighbouring steps alternate which boots first.
for i in $(seq 1 "$AB_BOOTS"); do
	order=("${names[@]}")
	if [ $((i % 2)) = 0 ]; then
		order=()
		for ((j = ${#names[@]} - 1; j >= 0; j--)); do order+=("${names[$j]}"); done
	fi
	for k in "${order[@]}"; do
		d=$out/$k-$i
		"$TOP/scripts/boot.sh" "${art[$k]}" "$tree" "$d" "$tests"
		[ "$(cat "$d/boot.status")" = ok ] || log "$name: boot $k-$i: $(cat "$d/boot.status")"
	done
done
echo "accel=$(cat "$out/${names[0]}-1/accel")" | run_meta "$out"
echo "$out"
