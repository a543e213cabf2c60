# Front door of the vmalloc/percpu patch series. See README.
#
#   make            main job: fetch base, apply, build + boot + test every step
#   make test       the project's tests (what CI runs)
#   make bench      same-run A/B benchmark of base vs series (doc/bench.md)
#   make torture    reliability runs: hotplug, memory pressure, fault
#                   injection + kmemleak (and KASAN rows after KASAN=1)
#   make ablation   base, stand-in and each patch of a posting, counted work
#   make layout     data layout of the drain symbols, base and top (perf)
#   make save RUN=dir  copy a run's data into results/ (committed evidence)
#   other targets:  deps fetch apply export cover-letter send kselftest-tar
#                   validate-all check-series quilt-check lint tooling-test
#                   report clean distclean (README, doc/)
#
# Variables (make VAR=value):
#   BASE=7.3|7.2|6.12   a base of configs/bases (Debian linux-source-X.Y); default:
#                       the one that carries the mainline series (7.3)
#   STEPS=all|ends      every step of the series, or only the base and the top
#   KASAN=1             build the KASAN (KASAN_VMALLOC) variant
#   VARIANT=...         lockdep (default), kasan, torture or perf (configs/;
#                       make bench measures throughput on perf)
#   SMP=N MEM=SIZE      guest vCPUs (default 2) and memory (default 2G)
#   ACCEL=auto|tcg|kvm  auto = KVM only if a bounded probe boots, else TCG
#   KDIR=/path          your own clean kernel git tree, for "make apply"
#   CACHE=/path         where trees, builds and reports go (default ./.cache)
#   BENCH_BOOTS=N       boots per kernel for make bench (default 3)
#   TORTURE_BOOTS=N     boots per kernel for make torture (default 2)
#   TORTURE_TESTS=torture/x.sh,...  only these torture tests (default all)
#   ABLATION_POSTING=p  make ablation: the base, the stand-ins posting p
#                       builds on and its patches (default drain: steps 0-3);
#                       ABLATION_STEPS="0 2" those steps; ABLATION_STEP=k
#                       patch k against patch k-1
#   AB_BOOTS=N          rounds (boots per kernel) of make ablation (default 6)
#   BENCH_PARTS=... BENCH_SMP="1 2 4" BENCH_ISOL_BOOTS=N BENCH_ISOL_CPU=N  make bench parts
#                       (scripts/bench.sh --help)
#   TORTURE_MEM=SIZE    guest memory of make torture (default 256M)
#   TESTS=dir/test,...  in-guest kselftests (default in scripts/lib.sh)
#   CMDLINE="..."       guest kernel command line additions (scripts/lib.sh)
#   BOOT_TIMEOUT=S      seconds before a guest is killed (scripts/boot.sh)
#   SEND=1              make send: send the mails (default: write them only)
#   SEND_DIR=dir        make send: its b4 prep trees and mails (default .cache/send)
#   PATCHES=slug,...    make send BASE=X.Y: only these patches in the request
#   FROM=tree RANGE=a..b  make export: the tree and commits to export
#   BRANCH=name         make apply KDIR=...: the new branch (vmalloc-series)
#   RUN=dir             make save: the run directory to copy into results/
#   FILTER=regex        make tooling-test: only the matching tests
#   FORCE=1             make export: overwrite uncommitted patches/
# Defaults live in scripts/lib.sh so that the scripts behave the same when
# run directly.

# Bases, the default base and mainline vs stable come from scripts/bases.sh
# (configs/bases and the series files), as for every script.
BASES := $(shell bash -c '. scripts/lib.sh; base_list')
BASE  ?= $(shell bash -c '. scripts/lib.sh; mainline_base')
BRANCH ?= vmalloc-series
export ABLATION_STEP AB_BOOTS TORTURE_TESTS BASE SEND PATCHES STEPS KASAN VARIANT SMP MEM ACCEL TESTS CACHE CMDLINE BENCH_BOOTS TORTURE_BOOTS

SERIES = $(shell BASE=$(BASE) bash -c '. scripts/lib.sh; series_file "$$BASE"')

.PHONY: all run bench torture ablation layout save deps fetch apply export cover-letter validate-all check-series send kselftest-tar quilt-check tooling-test lint test ci report clean distclean help
.DEFAULT_GOAL := all

all: run

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	scripts/deps.sh

fetch: deps
	scripts/fetch-base.sh $(BASE)

# Without KDIR the series goes onto branch "series" of the cached base tree;
# with KDIR it goes onto a new branch $(BRANCH) of your tree, which must be clean.
apply:
ifdef KDIR
	scripts/apply.sh $(KDIR) $(SERIES) $(BRANCH) >/dev/null
	@echo "applied $(SERIES) to $(KDIR) on branch $(BRANCH)"
else
	bash -c '. scripts/lib.sh; job_setup "$$BASE"; echo "applied $$JOB_SERIES to $$JOB_TREE on branch series"'
endif

# Regenerate patches/ + series (or stable/X.Y/...) from a branch with git
# format-patch; the exporter's own git identity signs off. Default: the
# branch "series" of the cached tree (make apply; edit; make export).
FROM  ?= $${CACHE:-.cache}/trees/$(BASE)
RANGE ?= base..series
export:
	scripts/export.sh $(FROM) $(RANGE) $(dir $(SERIES))

# Regenerate the measured blocks of the postings' texts (postings/*.txt)
# or, with BASE=7.2/6.12, of the stable request, from the latest reports.
cover-letter: fetch
	scripts/cover-letter.sh

run: deps
	scripts/run.sh

# Base (step 0) and top of the series booted BENCH_BOOTS times each, in
# alternating order, under the same stress: hog reports, per-CPU work
# latency, drain durations, test_vmalloc throughput. Writes bench.json,
# bench.md and latency-cdf.png to $(CACHE)/bench/latest-$(BASE)/.
bench: deps
	scripts/bench.sh

# Base (step 0+tests) and top of the series, TORTURE_BOOTS boots each with
# the torture config (fault injection, kmemleak) in a 256 MiB guest: CPU
# hotplug churn, memory pressure, fault injection; writes reliability.md
# and reliability.json to $(CACHE)/torture/latest-$(BASE)/. Run
# "make KASAN=1 STEPS=ends" first to get the KASAN rows in the table.
torture: deps
	scripts/torture.sh

# Patch ABLATION_STEP (default 2) against the step below it: AB_BOOTS
# alternated boot pairs (default 6) of vmalloc/drain_placement.sh with
# 64-page areas, counting drains, purges, kernel TLB flushes and IPIs;
# paired ratios in ablation.md of $(CACHE)/ablation/<run>/ (doc/bench.md).
ablation: deps
	scripts/ablation.sh

# Cache lines of vmalloc's drain symbols in the base and the top of the
# series (VARIANT=perf unless given): layout.md of $(CACHE)/layout/<run>/
# (doc/bench.md, "drain_vmap_work and false sharing").
layout: deps
	scripts/layout.sh

# Copy run directory RUN (as make ablation/bench/torture print it) into
# results/<job>-<run-id>/: what the reports read, for committing.
save:
	scripts/results-save.sh $(RUN)

# Every base and its series (mainline on 7.3, stable/7.2, stable/6.12),
# every step built, booted, tested and checked.
validate-all: deps
	set -e; for b in $(BASES); do BASE=$$b scripts/run.sh; done

# No boots: every step of every series built for its static checks: checkpatch
# --strict on each commit, W=1 + sparse builds on x86_64, i386, arm64,
# !SMP and KASAN configs, failing when a step adds warnings.
check-series: deps
	set -e; for b in $(BASES); do BASE=$$b BOOT=0 STEPS=all scripts/run.sh; done

# One mail thread per posting of patches.meta, made with b4 (To/Cc from
# scripts/get_maintainer.pl), written to $(CACHE)/send/<posting>/mails;
# SEND=1 sends them as you (git send-email). BASE=7.2 or 6.12 writes the
# stable request for the mainline commits of that queue instead.
send: deps
	scripts/send.sh

# The series' kselftests packed like kselftest's gen_tar, for labs.
kselftest-tar: fetch
	scripts/kselftest-tar.sh $(BASE) $(CURDIR)/kselftest-$(BASE).tar.gz

# quilt's own path: push the series onto a copy of the base and check that
# the result is identical to what git am produced.
quilt-check: fetch
	scripts/quilt-check.sh $(BASE)

# Tests of this repository's own scripts (testing/tooling/*.bats);
# FILTER=regex runs only the matching tests.
tooling-test:
	bats $(if $(FILTER),--filter '$(FILTER)') testing/tooling

lint:
	scripts/lint.sh

# The project's tests (what CI runs): tooling tests, lint, the quilt path,
# then the CI tier of the main job (base and top of the series, built,
# booted and tested). Ends with "N passed, N failed, N skipped".
test: deps
	scripts/test.sh

# The latest run of the variant (lockdep, or KASAN=1 / VARIANT=...).
report:
	@r=$$(bash -c '. scripts/lib.sh; latest_report "$$BASE" "$$VARIANT"'); \
	[ -n "$$r" ] || { echo "make report: no run of make for BASE=$(BASE) in the cache or results/; run make first" >&2; exit 1; }; \
	scripts/report.sh "$$r"

clean:
	rm -rf $${CACHE:-.cache}/reports $${CACHE:-.cache}/build

distclean:
	rm -rf $${CACHE:-.cache}
