#!/usr/bin/env python3
"""msg-trailers.py DROP TRAILERS: a git filter-branch --msg-filter for
make send (scripts/send.sh). Reads a commit message on stdin and writes
it without the lines file DROP lists (whole lines), and with the review
trailers file TRAILERS gives for its subject ("subject<TAB>trailer" per
line) added to its own trailers, each once, before a closing
Signed-off-by."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from abrun import cli_help  # noqa: E402


def main():
    cli_help(sys.argv, __doc__)
    if len(sys.argv) != 3:
        sys.exit("usage: msg-trailers.py DROP TRAILERS (msg-trailers.py --help)")
    drop = set(open(sys.argv[1]).read().splitlines())
    lines = [l for l in sys.stdin.read().rstrip("\n").split("\n")
             if l not in drop]
    subject = lines[0] if lines else ""
    # Before a closing Signed-off-by, so that the sender's sign-off stays
    # last and git rebase --signoff does not add it a second time.
    at = len(lines) - 1 if lines and lines[-1].startswith(
        "Signed-off-by: ") else len(lines)
    for t in open(sys.argv[2]).read().splitlines():
        s, _, trailer = t.partition("\t")
        if s == subject and trailer and trailer not in lines:
            lines.insert(at, trailer)
            at += 1
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
