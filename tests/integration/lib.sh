# Shared helpers for the integration tests (sourced; CMakeLists.txt skips this file).
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
# json_result FILE TEST: the "result" of the first cell named TEST in a result.json.
json_result() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for pair in d["results"]:
    for c in pair:
        if c["name"] == sys.argv[2]: print(c["result"]); sys.exit(0)
print("absent")' "$1" "$2"
}
