# shellcheck shell=bash
# The kernel bases and everything a job does to one before it starts:
# which bases exist (configs/bases), which one carries the mainline series
# and which a stable queue (stable/<BASE>/series), fetching a base into a
# git tree, applying a series onto it, and the lock that keeps two jobs off
# one tree. Sourced by scripts/lib.sh; every job sets up with job_setup.

# The pinned bases; BASES_FILE=... points the scripts at another list
# (the tooling tests use a fake base).
BASES_FILE=${BASES_FILE:-$TOP/configs/bases}

# base_list: the known bases, in the order of $BASES_FILE.
base_list() { awk '!/^#/ && NF {print $1}' "$BASES_FILE"; }


# base_field <BASE> <column>: look up $BASES_FILE (2=package 3=version 4=suite).
base_field() {
	local base=$1 col=$2 line
	line=$(awk -v b="$base" '$1 == b' "$BASES_FILE")
	[ -n "$line" ] || die "unknown BASE '$base'; known: $(awk '!/^#/ && NF {printf "%s ", $1}' "$BASES_FILE")"
	awk -v c="$col" '{print $c}' <<<"$line"
}

tree_dir() { echo "$CACHE/trees/$1"; }

# series_file <BASE>: the series a base uses: its stable queue
# (stable/<BASE>/series) if it has one, else the mainline series. This is
# the one place that decides mainline against stable.
series_file() {
	if [ -f "$TOP/stable/$1/series" ]; then
		echo "$TOP/stable/$1/series"
	else
		echo "$TOP/series"
	fi
}

# series_base DIR: the base whose series (series_file) lives in DIR (the
# top of the repository or stable/<BASE>); fails for any other directory.
series_base() {
	local b d
	d=$(realpath "$1")
	for b in $(base_list); do
		if [ "$(dirname "$(series_file "$b")")" = "$d" ]; then
			echo "$b"
			return 0
		fi
	done
	die "'$1' is not the directory of a series of configs/bases"
}

# is_mainline <BASE>: true if BASE carries the mainline series.
is_mainline() { [ "$(series_file "$1")" = "$TOP/series" ]; }

# mainline_base: the first base of $BASES_FILE that carries the mainline
# series (its tree's checkpatch.pl and get_maintainer.pl are the mainline ones).
mainline_base() {
	local b
	for b in $(base_list); do
		if is_mainline "$b"; then
			echo "$b"
			return 0
		fi
	done
	die "no base in $BASES_FILE carries the mainline series"
}

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

# fetch_base BASE: fetch linux-source-X.Y from Debian with a private apt
# configuration and turn it into a git tree (tag "base") under
# $CACHE/trees/X.Y. Idempotent: a tree that is already complete is reused.
fetch_base() (
	set -euo pipefail
	fb_base=$1
	fb_pkg=$(base_field "$fb_base" 2)
	fb_pin=$(base_field "$fb_base" 3)
	fb_tree=$(tree_dir "$fb_base")

	# The tree must have its own git: "git -C" would also find the tag of an
	# enclosing repository (the default CACHE is inside the project checkout).
	if [ -f "$fb_tree.version" ] && [ -d "$fb_tree/.git" ] &&
		git -C "$fb_tree" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
		log "base $fb_base: reusing $fb_tree ($fb_pkg $(cat "$fb_tree.version"))"
		exit 0
	fi

	need_tool apt-get apt
	need_tool dpkg-deb dpkg
	need_tool xz xz-utils
	need_tool git git

	log "base $fb_base: updating private apt lists"
	apt_private -qq update >&2 || die "apt-get update failed (network?)"

	fb_avail=$(APT_CMD=apt-cache apt_private madison "$fb_pkg" | awk -F'|' '{gsub(/ /, "", $2); print $2}')
	[ -n "$fb_avail" ] || die "package $fb_pkg is not in any configured suite"
	if grep -qxF "$fb_pin" <<<"$fb_avail"; then
		fb_ver=$fb_pin
	else
		fb_ver=$(sort -V <<<"$fb_avail" | tail -n 1)
		log "WARNING: pinned $fb_pkg $fb_pin has left the archive; using newest $fb_ver instead"
	fi

	# deb_ok DEB: the whole .deb reads back and holds the source tarball. An
	# interrupted download keeps its control part, so "dpkg-deb --info" passes.
	deb_ok() {
		dpkg-deb --fsys-tarfile "$1" 2>/dev/null | tar -t "./usr/src/$fb_pkg.tar.xz" >/dev/null 2>&1
	}

	fb_deb=$CACHE/debs/${fb_pkg}_${fb_ver}_all.deb
	if ! deb_ok "$fb_deb"; then
		log "base $fb_base: downloading $fb_pkg $fb_ver"
		rm -f "$fb_deb"
		mkdir -p "$CACHE/debs"
		(cd "$CACHE/debs" && apt_private -qq download "$fb_pkg=$fb_ver" >&2) ||
			die "download of $fb_pkg=$fb_ver failed"
		# apt names the file with the epoch-less, %-escaped version.
		fb_f=$(find "$CACHE/debs" -maxdepth 1 -name "${fb_pkg}_*.deb" -newer "$CACHE/apt/lists" | head -n 1)
		[ -n "$fb_f" ] || die "download of $fb_pkg=$fb_ver produced no .deb"
		[ "$fb_f" = "$fb_deb" ] || mv -f "$fb_f" "$fb_deb"
		deb_ok "$fb_deb" || die "download of $fb_pkg=$fb_ver produced a broken $fb_deb"
	fi

	# Extract into a scratch directory and move it in place only when complete,
	# so an interrupted run never leaves a half-extracted tree behind.
	fb_tmp=$fb_tree.tmp
	rm -rf "$fb_tmp" "$fb_tree" "$fb_tree.version"
	mkdir -p "$fb_tmp"
	log "base $fb_base: extracting"
	dpkg-deb --fsys-tarfile "$fb_deb" | tar -x -C "$fb_tmp" "./usr/src/$fb_pkg.tar.xz"
	tar -xJf "$fb_tmp/usr/src/$fb_pkg.tar.xz" -C "$fb_tmp"
	rm -rf "${fb_tmp:?}/usr"
	mv "$fb_tmp/$fb_pkg" "$fb_tmp/src"

	log "base $fb_base: importing into git"
	(
		cd "$fb_tmp/src"
		git init -q -b base-import
		# The import leaves ~90,000 loose objects; git would start a long
		# background "gc --auto" after the next command, competing with the
		# kernel builds. The tree is a cache: never repack it on its own.
		git config gc.auto 0
		git config maintenance.auto false
		# Debian's top-level .gitignore ends with "/*"; force-add the tree.
		git add -A -f
		GIT_AUTHOR_NAME="$fb_pkg" GIT_AUTHOR_EMAIL="$fb_pkg@packages.debian.org" \
		GIT_COMMITTER_NAME="$fb_pkg" GIT_COMMITTER_EMAIL="$fb_pkg@packages.debian.org" \
		GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" \
			git commit -q -m "Import $fb_pkg $fb_ver (Debian binary package source tarball)"
		git tag base
		git tag "debian/${fb_ver//\~/_}"
	)
	mv "$fb_tmp/src" "$fb_tree"
	rm -rf "$fb_tmp"
	echo "$fb_ver" >"$fb_tree.version"
	log "base $fb_base: ready at $fb_tree ($fb_pkg $fb_ver)"
)

# apply_series TREE SERIES BRANCH [START]: git am the patches of SERIES onto
# a new branch BRANCH (created at START, default HEAD) of the git tree TREE.
# The tree must be clean. If a patch does not apply, the am is aborted and
# the tree is put back on the branch it was on, so nothing is left behind.
# FORCE_BRANCH=1 (used only for the cached base trees) recreates BRANCH.
# Prints one commit per step on stdout: the start, then each patch.
apply_series() (
	set -euo pipefail
	ap_tree=${1:?usage: apply_series TREE SERIES BRANCH [START]}
	ap_series=${2:?usage: apply_series TREE SERIES BRANCH [START]}
	ap_branch=${3:?usage: apply_series TREE SERIES BRANCH [START]}
	ap_start=${4:-HEAD}
	need_tool git git
	[ -f "$ap_series" ] || die "series file '$ap_series' not found"
	ap_series=$(realpath "$ap_series")
	git -C "$ap_tree" rev-parse --git-dir >/dev/null 2>&1 || die "'$ap_tree' is not a git tree"
	ap_gitdir=$(git -C "$ap_tree" rev-parse --absolute-git-dir)
	if [ -d "$ap_gitdir/rebase-apply" ] || [ -d "$ap_gitdir/rebase-merge" ]; then
		die "'$ap_tree' has a git am/rebase in progress; finish or abort it first"
	fi
	if ! git -C "$ap_tree" var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
		# The cached trees only need some committer for their throwaway step
		# commits (never exported); a user's own tree needs the user's identity.
		[ "${FORCE_BRANCH:-0}" = 1 ] ||
			die "git in '$ap_tree' has no committer identity; set git config user.name and user.email"
		export GIT_COMMITTER_NAME="vmalloc-series pipeline" GIT_COMMITTER_EMAIL="pipeline@localhost"
	fi
	ap_dirty=$(git -C "$ap_tree" status --porcelain --untracked-files=no)
	[ -z "$ap_dirty" ] || die "'$ap_tree' has uncommitted changes; commit or stash them first ($(wc -l <<<"$ap_dirty") files)"

	mapfile -t ap_patches < <(series_patches "$ap_series")
	for ap_p in "${ap_patches[@]}"; do
		[ -f "$ap_p" ] || die "series names '$ap_p', which does not exist"
	done

	if git -C "$ap_tree" rev-parse -q --verify "refs/heads/$ap_branch" >/dev/null; then
		[ "${FORCE_BRANCH:-0}" = 1 ] || die "branch '$ap_branch' already exists in '$ap_tree'; pick another BRANCH="
	fi
	ap_orig=$(git -C "$ap_tree" symbolic-ref -q --short HEAD || git -C "$ap_tree" rev-parse HEAD)
	ap_startc=$(git -C "$ap_tree" rev-parse --verify "$ap_start^{commit}") || die "unknown start '$ap_start' in '$ap_tree'"
	git -C "$ap_tree" checkout -q -B "$ap_branch" "$ap_startc"
	echo "$ap_startc"

	for ap_p in "${ap_patches[@]}"; do
		if ! ap_err=$(git -C "$ap_tree" am -q "$ap_p" 2>&1); then
			git -C "$ap_tree" am --abort >/dev/null 2>&1 || true
			git -C "$ap_tree" checkout -q "$ap_orig"
			git -C "$ap_tree" branch -q -D "$ap_branch"
			die "patch $(basename "$ap_p") does not apply to $(git -C "$ap_tree" log -1 --format=%h "$ap_startc"): $(grep -m1 -E 'error|patch failed|conflict' <<<"$ap_err" || head -n1 <<<"$ap_err")"
		fi
		# An applied patch can still have made git am warn (whitespace errors,
		# say): pass that on as git am itself would show it.
		[ -z "$ap_err" ] || printf 'patch %s: git am says:\n%s\n' "$(basename "$ap_p")" "$ap_err" >&2
		git -C "$ap_tree" rev-parse HEAD
	done
)

# job_setup BASE: what every job on a cached base does first. Checks BASE,
# the settings (check_settings, the cheapest, first) and patches.meta
# against the series (meta_check), takes the base's lock (held until the calling script exits), fetches the
# base if needed and applies its series (series_file) onto branch "series"
# of the cached tree from tag "base". Sets JOB_TREE, JOB_SERIES and
# JOB_COMMITS (the base commit, then one commit per patch).
job_setup() {
	local out
	base_field "$1" 2 >/dev/null
	JOB_SERIES=$(series_file "$1")
	check_settings "$JOB_SERIES"
	meta_check "$JOB_SERIES"
	JOB_TREE=$(tree_dir "$1")
	lock_base "$1"
	fetch_base "$1" || exit 1
	out=$(FORCE_BRANCH=1 apply_series "$JOB_TREE" "$JOB_SERIES" series base) || exit 1
	# shellcheck disable=SC2034 # read by the job that called job_setup
	mapfile -t JOB_COMMITS <<<"$out"
}
