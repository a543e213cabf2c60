#!/usr/bin/env bash
# bench.sh: "make bench". Same-run A/B benchmark of the base (step 0) and
# the top of the series for BASE (scripts/ab-boots.sh, same config):
#  throughput/latency  BENCH_BOOTS boots each under the same stress
#                      (testing/bench/guest/vmalloc_bench.sh), reported by
#                      scripts/bench-report.py: bench.json, bench.md,
#                      latency-cdf.png under $CACHE/bench/latest-<BASE>/;
#  isolated CPU        BENCH_ISOL_BOOTS boots each with CPU BENCH_ISOL_CPU
#                      (default the last) isolated (isolcpus=domain,N;
#                      the base's purge helper for vmap node i runs on
#                      CPU i, and node i gets one only while a node
#                      after it has areas to purge: with 3 vCPUs isolate
#                      CPU 1 to see one there) and an application on
#                      it freeing vmalloc memory
#                      (testing/bench/guest/isolated_cpu.sh), reported by
#                      scripts/isolcpu-report.py: isolcpu.json, isolcpu.md
#                      under $CACHE/bench-isolcpu/latest-<BASE>/.
#  CPU axis            (part "cpus", not in the default) one boot each at
#                      BENCH_SMP vCPU counts (default "1 2 4") running
#                      only the backlog curve: counts per vCPU count
#                      (bench-report.py --cpus) in $CACHE/bench-cpus/.
#  ablation            make ablation (scripts/ablation.sh): base, stand-in
#                      and each patch of the drain posting side by side in
#                      counted work, $CACHE/ablation/latest-<BASE>/.
# BENCH_PARTS picks the parts. The variants (job_variant) and defaults
# are those of scripts/lib.sh: throughput on VARIANT=perf
# (configs/perf.config, no lockdep) unless VARIANT is given, the
# isolated-CPU part and the ablation on VARIANT (lockdep).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

parts=$BENCH_PARTS
for part in ${parts//,/ }; do
	case "$part" in
	throughput | isolcpu | ablation | cpus) ;;
	*) die "BENCH_PARTS: unknown part '$part' (throughput, isolcpu, ablation, cpus)" ;;
	esac
done
need_tool python3 python3
need_tool gnuplot gnuplot-nox
rc=0
if [[ ,$parts, == *,throughput,* ]]; then
	out=$(BOOT_TIMEOUT=$(job_boot_timeout throughput) VARIANT=$(job_variant throughput) AB_BOOTS=$BENCH_BOOTS AB_BASE_STEP=0 \
		"$TOP/scripts/ab-boots.sh" bench bench/vmalloc_bench.sh)
	python3 "$TOP/scripts/bench-report.py" "$out" || rc=1
fi
if [[ ,$parts, == *,isolcpu,* ]]; then
	[ "$SMP" -ge 2 ] || die "the isolated-CPU bench needs SMP >= 2 (one housekeeping CPU)"
	isol=${BENCH_ISOL_CPU:-$((SMP - 1))}
	if ! [[ $isol =~ ^[0-9]+$ ]] || [ "$isol" -ge "$SMP" ]; then
		die "BENCH_ISOL_CPU must be a CPU number below SMP=$SMP, not '$isol'"
	fi
	out=$(VARIANT=$(job_variant isolcpu) AB_BOOTS=$BENCH_ISOL_BOOTS AB_BASE_STEP=0 CMDLINE="isolcpus=domain,$isol" \
		"$TOP/scripts/ab-boots.sh" bench-isolcpu bench/isolated_cpu.sh)
	python3 "$TOP/scripts/isolcpu-report.py" "$out" || rc=1
fi
if [[ ,$parts, == *,ablation,* ]]; then
	# The side-by-side counted columns (scripts/ablation.sh, lockdep).
	VARIANT=$(job_variant ablation) "$TOP/scripts/ablation.sh" >/dev/null || rc=1
fi
if [[ ,$parts, == *,cpus,* ]]; then
	dirs=()
	for n in $BENCH_SMP; do
		[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_SMP must list vCPU counts, not '$n'"
		dirs+=("$(SMP=$n VARIANT=$(job_variant cpus) AB_BOOTS=1 AB_BASE_STEP=0 \
			CMDLINE="$CMDLINE BENCH_ONLY=curve" \
			"$TOP/scripts/ab-boots.sh" "bench-cpus/smp$n" bench/vmalloc_bench.sh)")
	done
	cpus_out=$CACHE/bench-cpus/$BASE-$(date +%Y%m%d-%H%M%S)
	python3 "$TOP/scripts/bench-report.py" --cpus "$cpus_out" "${dirs[@]}" || rc=1
	ln -sfn "$(basename "$cpus_out")" "$CACHE/bench-cpus/latest-$BASE"
fi
exit "$rc"
