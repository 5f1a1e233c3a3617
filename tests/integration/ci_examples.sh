#!/bin/bash
# docs/ci's GitHub Actions workflow and Kubernetes Job: they parse, everything they reference
# exists, and their qir commands use real flags (check_ci_examples.py). Then each kind of
# mistake the checker exists for, planted in a copy, must be caught. No root needed.
set -euo pipefail
qir="$1"; src="$2"; source "$(dirname "$0")/lib.sh"
check="$(dirname "$0")/check_ci_examples.py"
gh="$src/docs/ci/github-actions.yml"; k8s="$src/docs/ci/kubernetes-job.yaml"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
python3 -c 'import yaml' || fail "python3-yaml missing (scripts/install-deps installs it)"

python3 "$check" "$qir" "$src" "$gh" "$k8s" || fail "the CI examples have problems (above)"

# must_fail NAME SED-SCRIPT FILE EXPECTED: a planted mistake the checker must report.
must_fail() {
  local name=$1 script=$2 file=$3 want=$4
  cp "$gh" "$work/gh.yml"; cp "$k8s" "$work/k8s.yaml"
  sed -i "$script" "$work/$file"
  if out=$(python3 "$check" "$qir" "$src" "$work/gh.yml" "$work/k8s.yaml"); then fail "$name: not caught"; fi
  grep -q -- "$want" <<<"$out" || fail "$name: expected '$want', got: $out"
}
must_fail "unknown run flag" 's/--shard \${{ matrix.shard }}/--shards ${{ matrix.shard }}/' gh.yml "not a flag of qir run"
must_fail "unknown merge flag" 's/--logs-to merged/--log-to merged/' gh.yml "qir merge --log-to"
must_fail "unknown command" 's/qir report merged\/result.json -m/qir reprot merged\/result.json -m/' gh.yml "no such qir command"
must_fail "needs a missing job" 's/^    needs: shard$/    needs: shards/' gh.yml "needs shards, which is not a job"
must_fail "missing step id" "s/steps.merge.outcome/steps.merged.outcome/" gh.yml "steps.merged"
must_fail "missing script" 's#scripts/install-deps#scripts/install-dependencies#' gh.yml "does not exist"
must_fail "matrix and SHARDS disagree" 's/^  SHARDS: 4/  SHARDS: 3/' gh.yml "SHARDS is 3"
must_fail "not YAML" '1i jobs: [' gh.yml "malformed"
must_fail "k8s unknown flag" 's/--resume "\$dir"/--resume-from "$dir"/' k8s.yaml "not a flag of qir run"
must_fail "k8s not indexed" 's/completionMode: Indexed/completionMode: NonIndexed/' k8s.yaml "no Indexed Job"
must_fail "k8s missing claim" 's/claimName: qir-results/claimName: qir-logs/' k8s.yaml "claim qir-logs"
pass "docs/ci examples check out, and 11 planted mistakes are caught"
