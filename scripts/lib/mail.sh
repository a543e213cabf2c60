# shellcheck shell=bash
# scripts/lib/mail.sh: whose identity signs and sends mail, and sending it.
# Sourced by scripts/lib.sh (source that, not this file); uses its die/log.

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
