#!/bin/bash
# qir's JUnit XML against docs/junit.xsd (xmllint --schema, Debian's libxml2-utils):
#  - `qir run --junit` of a real run (quic-go's and ngtcp2's servers; clients: quic-go's, one
#    that fails its handshake (exempt from the auto-unsupported rule: failure), one that does
#    the same without exemption (‽: skipped auto-unsupported), one that exits 127 (skipped));
#  - `qir report --junit` of the same result.json: the same file;
#  - `qir report --junit` of that result.json rewritten to hold every outcome (timeout,
#    crashed, error, flaky, a failure without reason) and reasons with < & > " ' and UTF-8;
# each valid, and with counts the schema cannot express right: tests/failures/errors/skipped/
# time of each suite and of the whole, classname = suite name, each failure's type and
# message = the cell's outcome and reason. Must fail: files broken in one way each (an
# unknown element, a missing classname, a wrong failure type, a non-numeric count, two
# verdicts in one testcase, the same test twice in a suite) and, for the counts check, a
# valid file with a wrong count.
set -euo pipefail
qir="$1"; src="$2"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
xsd="$src/docs/junit.xsd"
command -v xmllint > /dev/null || fail "xmllint not installed (scripts/install-deps: libxml2-utils)"
[[ -x "$src/implementations/quic-go/bin/client" ]] || fail "quic-go not built (make stacks)"
valid() { xmllint --noout --schema "$xsd" "$1" > "$work/xmllint.out" 2>&1; }

for name in broken-exempt broken-auto refusing; do mkdir -p "$work/$name"; done
printf '#!/bin/sh\necho "giving up on purpose"; exit 1\n' > "$work/broken-exempt/run_endpoint.sh"
cp "$work/broken-exempt/run_endpoint.sh" "$work/broken-auto/run_endpoint.sh"
printf '#!/bin/sh\nexit 127\n' > "$work/refusing/run_endpoint.sh"
chmod +x "$work"/*/run_endpoint.sh
echo '{"broken-exempt": {"role": "client", "url": "-", "dir": "broken-exempt"},
       "broken-auto": {"role": "client", "url": "-", "dir": "broken-auto"},
       "refusing": {"role": "client", "url": "-", "dir": "refusing"}}' > "$work/impls.json"
start=$SECONDS
set +e
"$qir" run --implementations "$work/impls.json" --no-build --skip-compliance -P 2 -s quic-go,ngtcp2 \
  -c quic-go,broken-exempt,broken-auto,refusing -n broken-exempt,refusing -t handshake \
  -l "$work/logs" --junit "$work/run.xml" > "$work/run.out" 2>&1
rc=$?
set -e
echo "run: exit $rc after $((SECONDS - start)) s"
[[ $rc -eq 1 && -s "$work/run.xml" ]] || { cat "$work/run.out"; fail "qir run --junit: exit $rc, want 1 and a JUnit file"; }
result="$work/logs/result.json"

# counts XML RESULT: the JUnit file says what result.json says, in numbers the XSD cannot check.
counts() {
  python3 - "$1" "$2" <<'PY'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
d = json.load(open(sys.argv[2]))
cells = {}
for i, pair in enumerate(d["results"]):
    s, c = d["servers"][i % len(d["servers"])], d["clients"][i // len(d["servers"])]
    for cell in pair:
        cells[(s + "_" + c, cell["name"])] = cell
errors = []
def total(el, cases):
    kind = lambda tc: next((ch.tag for ch in tc), "")
    want = {"tests": len(cases), "failures": sum(kind(t) == "failure" for t in cases),
            "errors": sum(kind(t) == "error" for t in cases), "skipped": sum(kind(t) == "skipped" for t in cases)}
    for k, v in want.items():
        if int(el.get(k)) != v:
            errors.append(f"{el.tag} {el.get('name')}: {k}={el.get(k)}, has {v}")
    t = sum(float(tc.get("time")) for tc in cases)
    if abs(float(el.get("time")) - t) > 0.001 * (len(cases) + 1):
        errors.append(f"{el.tag} {el.get('name')}: time={el.get('time')}, its cases sum to {t:.3f}")
total(root, root.findall("testsuite/testcase"))
seen = set()
for suite in root.findall("testsuite"):
    total(suite, suite.findall("testcase"))
    for tc in suite.findall("testcase"):
        if tc.get("classname") != suite.get("name"):
            errors.append(f"testcase {tc.get('name')}: classname {tc.get('classname')} in suite {suite.get('name')}")
        k = (tc.get("classname"), tc.get("name"))
        seen.add(k)
        cell = cells.get(k)
        if cell is None:
            errors.append(f"testcase {k} is no cell of result.json"); continue
        outcome, reason = cell["outcome"], cell.get("reason") or "no reason given"
        want = ("skipped", "auto-unsupported" if cell.get("auto_unsupported") else "unsupported") if outcome == "unsupported" \
            else ("error", "error") if outcome == "error" else ("", None) if outcome == "succeeded" else ("failure", outcome)
        got = next(((ch.tag, ch.get("type")) for ch in tc), ("", None))
        if got != want:
            errors.append(f"testcase {k}: {got}, result.json's {outcome} wants {want}")
        for ch in tc:
            if ch.get("message") != reason or (ch.tag != "skipped" and ch.text != reason):
                errors.append(f"testcase {k}: message {ch.get('message')!r} / text {ch.text!r}, reason {reason!r}")
        if abs(float(tc.get("time")) - cell["duration_s"]) > 0.0005:
            errors.append(f"testcase {k}: time {tc.get('time')}, duration_s {cell['duration_s']}")
if seen != set(cells):
    errors.append(f"cells without a testcase: {sorted(set(cells) - seen)}")
for e in errors: print("MISMATCH:", e)
sys.exit(1 if errors else 0)
PY
}

# 1. The real run's file, and qir report's of the same result.json.
valid "$work/run.xml" || { cat "$work/xmllint.out" "$work/run.xml"; fail "qir run --junit output does not validate"; }
counts "$work/run.xml" "$result" || fail "qir run --junit output disagrees with result.json"
for kind in failure skipped; do grep -q "<$kind " "$work/run.xml" || fail "the run's JUnit file has no <$kind>"; done
grep -q 'type="auto-unsupported"' "$work/run.xml" || fail "the run's JUnit file has no auto-unsupported skip"
"$qir" report "$result" --junit "$work/report.xml" > /dev/null 2>&1 || fail "qir report --junit"
cmp -s "$work/run.xml" "$work/report.xml" || { diff "$work/run.xml" "$work/report.xml"; fail "qir report --junit differs from qir run --junit"; }

# 2. Every outcome qir has, and reasons that need escaping.
python3 - "$result" "$work/every.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
flat = [c for pair in d["results"] for c in pair]
edits = [
    {"outcome": "timeout", "result": "failed", "reason": "timed out after 60 s <no & \"answer\">"},
    {"outcome": "crashed", "result": "failed", "reason": "client: thread 'main' panicked at src/main.rs:7:5: ü → ✕"},
    {"outcome": "error", "result": "failed", "reason": "cannot create namespace qir-1-c: File exists"},
    {"outcome": "failed", "result": "failed", "reason": ""},
    {"outcome": "succeeded", "result": "succeeded", "reason": "", "attempts": 2, "flaky": True,
     "earlier_attempts": ["failed: file 3f differs at byte 1234"]},
]
if len(flat) < len(edits): sys.exit("too few cells")
for cell, edit in zip(flat, edits):
    cell.pop("auto_unsupported", None); cell.pop("original_outcome", None)
    cell.update(edit)
json.dump(d, open(sys.argv[2], "w"))
PY
"$qir" report "$work/every.json" --junit "$work/every.xml" > "$work/every.out" 2>&1 || { cat "$work/every.out"; fail "qir report --junit of every outcome"; }
valid "$work/every.xml" || { cat "$work/xmllint.out" "$work/every.xml"; fail "JUnit of every outcome does not validate"; }
counts "$work/every.xml" "$work/every.json" || fail "JUnit of every outcome disagrees with its result.json"
for t in failed timeout crashed; do grep -q "<failure type=\"$t\"" "$work/every.xml" || fail "no failure of type $t"; done
grep -q '<error type="error"' "$work/every.xml" || fail "no <error>"
grep -q 'message="no reason given"' "$work/every.xml" || fail "a failure without reason has no message"

# 3. Must fail: one defect per file, each caught by the schema.
broken() {  # broken NAME PYTHON-EXPRESSION-ON-s: a copy of every.xml changed by the expression
  python3 -c 'import re, sys; s=open(sys.argv[1]).read(); t='"$2"'; assert t != s, "no change"; open(sys.argv[2], "w").write(t)' \
    "$work/every.xml" "$work/$1.xml" || fail "could not make $1.xml"
  if valid "$work/$1.xml"; then fail "schema self-check: $1.xml validates"; fi
  grep -q "fails to validate" "$work/xmllint.out" || { cat "$work/xmllint.out"; fail "$1.xml: no validation error"; }
  echo "broken $1.xml rejected: $(grep -m1 -v 'fails to validate' "$work/xmllint.out" | sed 's/^[^:]*://')"
}
broken unknown-element 's.replace("</testcase>", "<flaky/></testcase>", 1)'
broken no-classname 're.sub(r" classname=\"[^\"]*\"", "", s, count=1)'
broken wrong-failure-type 's.replace("<failure type=\"timeout\"", "<failure type=\"exploded\"", 1)'
broken non-numeric-count 's.replace("tests=\"", "tests=\"two", 1)'
broken two-verdicts 's.replace("<failure type=\"timeout\"", "<skipped type=\"unsupported\" message=\"x\"/><failure type=\"timeout\"", 1)'
broken same-test-twice 's.replace("</testsuite>", "<testcase name=\"handshake\" classname=\"x\" time=\"0.000\"/></testsuite>", 1)'
# ... and the counts check catches a count that is a valid number but wrong.
python3 -c 'import sys,re; s=open(sys.argv[1]).read(); open(sys.argv[2],"w").write(re.sub(r"failures=\"(\d+)\"", lambda m: "failures=\"%d\"" % (int(m[1])+1), s, 1))' \
  "$work/every.xml" "$work/wrong-count.xml"
valid "$work/wrong-count.xml" || fail "wrong-count.xml should still be valid XSD-wise"
if counts "$work/wrong-count.xml" "$work/every.json" > "$work/wrong-count.out"; then fail "counts self-check: a wrong failures= passed"; fi
echo "wrong count rejected: $(head -1 "$work/wrong-count.out")"
pass "JUnit of qir run and qir report validates against docs/junit.xsd with every outcome and matches result.json; 6 broken files and a wrong count rejected"
