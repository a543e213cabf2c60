#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The one KTAP reader of this repository.

Every script that needs results from KTAP output (the guest's kselftest
runner, the tooling tests, lint, the bench and torture boots) goes through
this module, either by importing it or through its command line:

  ktap.py results LOG TESTS FILE
                          append the top-level results to results.json
                          FILE (scripts/report/results.py), each followed
                          by the KUnit cases it printed ("kunit: SUITE:
                          CASE"); every requested test (dir/test, comma
                          separated) must have one, or it gets "fail, no
                          result"
  ktap.py counts LOG      "PASSED FAILED SKIPPED" over the top-level results
                          (PASSED includes skips, as TAP counts "ok"), and a
                          non-zero exit if the output is not valid KTAP
  ktap.py check LOG       validate only: errors on stderr, exit 1

A result's detail is its directive and the "# " diagnostic lines printed
since the previous result at the same level (kselftest's runner prints a
test's output that way, and ktap.rst puts a test's diagnostic lines
directly before its result line). A subtest's "# " lines between its
version line and its plan (KUnit's "# Subtest: NAME" header and attribute
lines, scripts/report.sh's meta) are the subtest's own, not its first
result's, as kunit.py reads them. Lines before the version line (console
noise, "# kernel=..." headers) are ignored; CR line endings are accepted.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import results  # noqa: E402

VERSION = re.compile(r"^\s*(KTAP version 1|TAP version 1[34])\s*$")
PLAN = re.compile(r"^\s*1\.\.(\d+)\s*$")
RESULT = re.compile(r"^\s*(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$")
# Lines of the kselftest runner itself, not of the test.
NOISE = ("timeout set to ", "selftests: ")


class Test:
    def __init__(self, name="", number=0, indent=0):
        self.name = name
        self.number = number
        self.indent = indent
        self.ok = None
        self.directive = ""
        self.diag = []
        self.children = []
        self.plan = None

    @property
    def status(self):
        if self.ok is None:
            return "fail"
        if self.directive.upper().startswith("SKIP"):
            return "skip"
        return "pass" if self.ok else "fail"


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def parse(lines):
    """Parse KTAP lines; returns (root Test, list of error strings)."""
    errors = []
    root = Test()
    lines = [ln.rstrip("\r\n") for ln in lines]
    start = next((i for i, ln in enumerate(lines) if VERSION.match(ln)), None)
    if start is None:
        return root, ["no KTAP/TAP version line"]
    root.indent = _indent(lines[start])
    # A stack of open levels: (Test, indent, diag since last result, next no.)
    stack = [[root, root.indent, [], 1]]
    for ln in lines[start + 1:]:
        if not ln.strip():
            continue
        ind = _indent(ln)
        # A deeper version line opens a subtest of the current level.
        if VERSION.match(ln) and ind > stack[-1][1]:
            sub = Test(indent=ind)
            stack.append([sub, ind, [], 1])
            continue
        # Leaving deeper levels: the result line at a shallower indent
        # closes them (the subtest's own result names it).
        while len(stack) > 1 and ind < stack[-1][1]:
            sub, _, pending, _ = stack.pop()
            stack[-1][0].children.append(sub)
            sub.diag = sub.diag + pending
        level = stack[-1]
        if ind != level[1] and not ln.lstrip().startswith("#"):
            errors.append("unexpected indentation: %r" % ln)
            continue
        m = PLAN.match(ln)
        if m:
            if level[0].plan is not None:
                errors.append("second plan at one level: %r" % ln)
            level[0].plan = int(m.group(1))
            # Lines between the version line and the plan: the header.
            if not level[0].children:
                level[0].diag += level[2]
                level[2] = []
            continue
        m = RESULT.match(ln)
        if m:
            ok, num, name, directive = m.group(1), int(m.group(2)), m.group(3), m.group(4) or ""
            if num != level[3]:
                errors.append("test number %d, expected %d: %r" % (num, level[3], ln))
            level[3] = num + 1
            # A subtest that just closed at this level is this result's.
            parent = level[0]
            t = None
            if parent.children and parent.children[-1].ok is None and \
                    parent.children[-1].indent > level[1]:
                t = parent.children[-1]
                t.name, t.number = name, num
            else:
                t = Test(name, num, ind)
                parent.children.append(t)
            t.ok = ok == "ok"
            t.directive = directive.strip()
            t.diag = t.diag + level[2]
            level[2] = []
            continue
        text = ln.lstrip()
        if text.startswith("#"):
            d = text[2:] if text.startswith("# ") else text[1:]
            if ind == level[1] and d.startswith("Subtest: ") and \
                    level[0].plan is None and not level[0].children:
                level[0].name = d[len("Subtest: "):]
            elif not d.startswith(NOISE):
                level[2].append(d)
            continue
        errors.append("not KTAP: %r" % ln)
    while len(stack) > 1:
        sub, _, pending, _ = stack.pop()
        sub.diag = sub.diag + pending
        stack[-1][0].children.append(sub)
        errors.append("subtest without a result line")
    root.diag = root.diag + stack[0][2]
    for t in [root] + _all(root):
        if t.plan is not None and t.plan != len(t.children):
            errors.append("plan 1..%d but %d results%s" %
                          (t.plan, len(t.children), " in " + t.name if t.name else ""))
    if root.plan is None:
        errors.append("no plan")
    return root, errors


def _all(t):
    out = []
    for c in t.children:
        out.append(c)
        out.extend(_all(c))
    return out


def parse_file(path):
    try:
        with open(path, errors="replace") as f:
            return parse(f.readlines())
    except FileNotFoundError:
        return Test(), ["%s: no such file" % path]


def find(root, name):
    """The top-level result called NAME, or None."""
    return next((t for t in root.children if t.name == name), None)


def test_output(path, name):
    """(status, diagnostic lines) of top-level test NAME in the KTAP file
    PATH; status is None when the test has no result line."""
    root, _ = parse_file(path)
    t = find(root, name)
    return (t.status, t.diag) if t else (None, [])


def _detail(t):
    return ([t.directive] if t.directive else []) + t.diag


def kunit_rows(t):
    """Rows for the KUnit cases whose KTAP top-level test T printed (a
    selftest such as vmalloc_kunit.sh that shows a suite's results):
    "kunit: SUITE: CASE", one per case, so that a skipped or failing
    case is a result of its own, not hidden in the suite's verdict."""
    # Message lines a case printed across newlines ("flags 0x10100") are
    # neither KTAP nor diagnostics; left in, they would close the levels.
    lines = [d for d in t.diag if d.lstrip().startswith("#") or
             VERSION.match(d) or PLAN.match(d) or RESULT.match(d)]
    sub, _ = parse(lines)
    rows = []
    for suite in _all(sub):
        for c in suite.children:
            if not c.children:
                rows.append(results.row("kunit: %s: %s" % (suite.name, c.name),
                                        c.status, _detail(c)))
    return rows


def result_rows(root, tests):
    """results.json rows of the top-level results and their KUnit cases,
    and a failure for each test of TESTS that has no result."""
    rows = []
    for t in root.children:
        rows.append(results.row(t.name, t.status, _detail(t)))
        rows.extend(kunit_rows(t))
    names = {t.name for t in root.children}
    for spec in [s for s in tests.split(",") if s]:
        d, _, n = spec.rpartition("/")
        name = "selftests: %s: %s" % (d, n)
        if name not in names:
            rows.append(results.row(name, "fail", ["no result (guest did not finish the test)"]))
    return rows


def counts(root):
    p = sum(1 for t in root.children if t.ok)
    s = sum(1 for t in root.children if t.status == "skip")
    f = sum(1 for t in root.children if t.ok is False)
    return p, f, s


def main(argv):
    if argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    usage = "usage: ktap.py results LOG TESTS FILE | counts LOG | check LOG"
    if len(argv) < 3 or argv[1] not in ("results", "counts", "check"):
        print(usage, file=sys.stderr)
        return 2
    root, errors = parse_file(argv[2])
    if argv[1] == "results":
        if len(argv) != 5:
            print(usage, file=sys.stderr)
            return 2
        results.extend(argv[4], result_rows(root, argv[3]))
        return 0
    for e in errors:
        print("%s: %s" % (argv[2], e), file=sys.stderr)
    if argv[1] == "counts":
        print("%d %d %d" % counts(root))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
