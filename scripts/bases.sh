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
	base=$1
	pkg=$(base_field "$base" 2)
	pin=$(base_field "$base" 3)
	tree=$(tree_dir "$base")

	# The tree must have its own git: "git -C" would also find the tag of an
	# enclosing repository (the default CACHE is inside the project checkout).
	if [ -f "$tree.version" ] && [ -d "$tree/.git" ] &&
		git -C "$tree" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
		log "base $base: reusing $tree ($pkg $(cat "$tree.version"))"
		exit 0
	fi

	need_tool apt-get apt
	need_tool dpkg-deb dpkg
	need_tool xz xz-utils
	need_tool git git

	log "base $base: updating private apt lists"
	apt_private -qq update >&2 || die "apt-get update failed (network?)"

	avail=$(APT_CMD=apt-cache apt_private madison "$pkg" | awk -F'|' '{gsub(/ /, "", $2); print $2}')
	[ -n "$avail" ] || die "package $pkg is not in any configured suite"
	if grep -qxF "$pin" <<<"$avail"; then
		ver=$pin
	else
		ver=$(sort -V <<<"$avail" | tail -n 1)
		log "WARNING: pinned $pkg $pin has left the archive; using newest $ver instead"
	fi

	# deb_ok DEB: the whole .deb reads back and holds the source tarball. An
	# interrupted download keeps its control part, so "dpkg-deb --info" passes.
	deb_ok() {
		dpkg-deb --fsys-tarfile "$1" 2>/dev/null | tar -t "./usr/src/$pkg.tar.xz" >/dev/null 2>&1
	}

	deb=$CACHE/debs/${pkg}_${ver}_all.deb
	if ! deb_ok "$deb"; then
		log "base $base: downloading $pkg $ver"
		rm -f "$deb"
		mkdir -p "$CACHE/debs"
		(cd "$CACHE/debs" && apt_private -qq download "$pkg=$ver" >&2) ||
			die "download of $pkg=$ver failed"
		# apt names the file with the epoch-less, %-escaped version.
		f=$(find "$CACHE/debs" -maxdepth 1 -name "${pkg}_*.deb" -newer "$CACHE/apt/lists" | head -n 1)
		[ -n "$f" ] || die "download of $pkg=$ver produced no .deb"
		[ "$f" = "$deb" ] || mv -f "$f" "$deb"
		deb_ok "$deb" || die "download of $pkg=$ver produced a broken $deb"
	fi

	# Extract into a scratch directory and move it in place only when complete,
	# so an interrupted run never leaves a half-extracted tree behind.
	tmp=$tree.tmp
	rm -rf "$tmp" "$tree" "$tree.version"
	mkdir -p "$tmp"
	log "base $base: extracting"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$pkg.tar.xz"
	tar -xJf "$tmp/usr/src/$pkg.tar.xz" -C "$tmp"
	rm -rf "${tmp:?}/usr"
	mv "$tmp/$pkg" "$tmp/src"

	log "base $base: importing into git"
	(
		cd "$tmp/src"
		git init -q -b base-import
		# The import leaves ~90,000 loose objects; git would start a long
		# background "gc --auto" after the next command, competing with the
		# kernel builds. The tree is a cache: never repack it on its own.
		git config gc.auto 0
		git config maintenance.auto false
		# Debian's top-level .gitignore ends with "/*"; force-add the tree.
		git add -A -f
		GIT_AUTHOR_NAME="$pkg" GIT_AUTHOR_EMAIL="$pkg@packages.debian.org" \
		GIT_COMMITTER_NAME="$pkg" GIT_COMMITTER_EMAIL="$pkg@packages.debian.org" \
		GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" \
			git commit -q -m "Import $pkg $ver (Debian binary package source tarball)"
		git tag base
		git tag "debian/${ver//\~/_}"
	)
	mv "$tmp/src" "$tree"
	rm -rf "$tmp"
	echo "$ver" >"$tree.version"
	log "base $base: ready at $tree ($pkg $ver)"
)

# apply_series TREE SERIES BRANCH [START]: git am the patches of SERIES onto
# a new branch BRANCH (created at START, default HEAD) of the git tree TREE.
# The tree must be clean. If a patch does not apply, the am is aborted and
# the tree is put back on the branch it was on, so nothing is left behind.
# FORCE_BRANCH=1 (used only for the cached base trees) recreates BRANCH.
# Prints one commit per step on stdout: the start, then each patch.
apply_series() (
	set -euo pipefail
	tree=${1:?usage: apply_series TREE SERIES BRANCH [START]}
	series=${2:?usage: apply_series TREE SERIES BRANCH [START]}
	branch=${3:?usage: apply_series TREE SERIES BRANCH [START]}
	start=${4:-HEAD}
	need_tool git git
	[ -f "$series" ] || die "series file '$series' not found"
	series=$(realpath "$series")
	git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die "'$tree' is not a git tree"
	gitdir=$(git -C "$tree" rev-parse --absolute-git-dir)
	if [ -d "$gitdir/rebase-apply" ] || [ -d "$gitdir/rebase-merge" ]; then
		die "'$tree' has a git am/rebase in progress; finish or abort it first"
	fi
	if ! git -C "$tree" var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
		# The cached trees only need some committer for their throwaway step
		# commits (never exported); a user's own tree needs the user's identity.
		[ "${FORCE_BRANCH:-0}" = 1 ] ||
			die "git in '$tree' has no committer identity; set git config user.name and user.email"
		export GIT_COMMITTER_NAME="vmalloc-series pipeline" GIT_COMMITTER_EMAIL="pipeline@localhost"
	fi
	dirty=$(git -C "$tree" status --porcelain --untracked-files=no)
	[ -z "$dirty" ] || die "'$tree' has uncommitted changes; commit or stash them first ($(wc -l <<<"$dirty") files)"

	mapfile -t patches < <(series_patches "$series")
	for p in "${patches[@]}"; do
		[ -f "$p" ] || die "series names '$p', which does not exist"
	done

	if git -C "$tree" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
		[ "${FORCE_BRANCH:-0}" = 1 ] || die "branch '$branch' already exists in '$tree'; pick another BRANCH="
	fi
	orig=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
	startc=$(git -C "$tree" rev-parse --verify "$start^{commit}") || die "unknown start '$start' in '$tree'"
	git -C "$tree" checkout -q -B "$branch" "$startc"
	echo "$startc"

	for p in "${patches[@]}"; do
		if ! err=$(git -C "$tree" am -q "$p" 2>&1); then
			git -C "$tree" am --abort >/dev/null 2>&1 || true
			git -C "$tree" checkout -q "$orig"
			git -C "$tree" branch -q -D "$branch"
			die "patch $(basename "$p") does not apply to $(git -C "$tree" log -1 --format=%h "$startc"): $(grep -m1 -E 'error|patch failed|conflict' <<<"$err" || head -n1 <<<"$err")"
		fi
		# An applied patch can still have made git am warn (whitespace errors,
		# say): pass that on as git am itself would show it.
		[ -z "$err" ] || printf 'patch %s: git am says:\n%s\n' "$(basename "$p")" "$err" >&2
		git -C "$tree" rev-parse HEAD
	done
)

# job_setup BASE: what every job on a cached base does first. Checks BASE,
# takes the base's lock (held until the calling script exits), fetches the
# base if needed and applies its series (series_file) onto branch "series"
# of the cached tree from tag "base". Sets JOB_TREE, JOB_SERIES and
# JOB_COMMITS (the base commit, then one commit per patch).
job_setup() {
	local out
	base_field "$1" 2 >/dev/null
	JOB_SERIES=$(series_file "$1")
	JOB_TREE=$(tree_dir "$1")
	lock_base "$1"
	fetch_base "$1" || exit 1
	out=$(FORCE_BRANCH=1 apply_series "$JOB_TREE" "$JOB_SERIES" series base) || exit 1
	# shellcheck disable=SC2034 # read by the job that called job_setup
	mapfile -t JOB_COMMITS <<<"$out"
}
