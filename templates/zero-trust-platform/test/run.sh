#!/usr/bin/env bash
# Tests the zero-trust-platform template:
#
#  1. static checks and a dry-run through the scaffolder's dry-run API on a real backend
#     (test/dryRun.cjs) for three provider/platform combinations, plus hostile parameter values;
#     every rendered file parses, every Argo CD Application pins its revision (exact chart
#     versions, the chosen branch for Git sources), nothing uses `latest`, the baseline's ten
#     Kyverno policies (written by zerotrust:policies:kyverno) are in Enforce and exclude the
#     platform namespaces;
#  2. kube-score (scripts/go-tools.sh) judges each rendered kube-bench folder: the CronJob has a
#     starting deadline and its pods are covered by a NetworkPolicy that targets them;
#  3. every rendered manifest is server-side applied into a real kube-apiserver with the
#     upstream CRDs (the test-cluster harness): the API server's own validation of the
#     ClusterPolicies, Istio policies, Cilium policies, ClusterSecretStore, Argo CD objects, the
#     kube-bench adapter's CronJob and RBAC, and the kube-bench Job it creates.
#
# Usage: templates/zero-trust-platform/test/run.sh [output-dir]   (default: a temp dir)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/../../scripts/lib/toolchain.sh"
export PATH="$PATH:/usr/local/go/bin"

out="${1:-}"
if [ -z "$out" ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

failed=0
fail() {
  echo "FAIL $*"
  failed=$((failed + 1))
}

(cd "$ZT_ROOT" && node --require @backstage/cli/config/nodeTransform.cjs \
  "$here/test/dryRun.cjs" "$out") || fail "template dry-run"

# 2. kube-score on the kube-bench CronJob, the one root hostPID workload the template adds.
if tools="$(ZT_GO_TOOLS=kube-score ZT_GO_TOOLS_CHECK=1 "$ZT_ROOT/scripts/go-tools.sh")"; then
  for bench in "$out"/*/security-stack/kube-bench; do
    # One stream, a document separator between files. kube-score exits 1 when any check is
    # critical (kube-bench runs as root with hostPID, by design); only the three checks below count.
    scored="$(for f in "$bench"/*.yaml; do cat "$f"; printf '\n---\n'; done |
      "$tools/kube-score" score --output-format json -)"
    if [ $? -gt 1 ]; then
      fail "kube-score could not score ${bench#"$out"/}"
    elif verdict="$(printf '%s' "$scored" | node -e '
        const scored = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const wanted = ["cronjob-has-deadline", "pod-networkpolicy", "networkpolicy-targets-pod"];
        const bad = wanted.filter(id => !scored.some(o =>
          o.checks.some(c => c.check.id === id && !c.skipped && c.grade === 10)));
        if (bad.length) { console.log(bad.join(", ")); process.exit(1); }')"; then
      echo "ok   kube-score: ${bench#"$out"/} has a starting deadline and a NetworkPolicy on its pods"
    else
      fail "kube-score on ${bench#"$out"/}: ${verdict:-no output}"
    fi
  done
else
  fail "kube-score is not built: run ZT_GO_TOOLS=kube-score scripts/go-tools.sh"
fi

# 3. Server-side apply into a real API server.
harness="$ZT_ROOT/packages/test-cluster/scripts"
if bin="$("$harness/build.sh")" && crds="$("$harness/fetch-crds.sh")"; then
  ns="$out/namespaces"
  mkdir -p "$ns"
  # The namespaces Argo CD and the charts would create.
  for n in argocd gitops-system istio-system kyverno external-secrets falco; do
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$n" >"$ns/$n.yaml"
  done
  args=(--data-dir "$out/cluster" --crds "$crds" --apply "$ns")
  i=0
  for stack in "$out"/*/security-stack; do
    args+=(--apply "$stack")
    # The kube-bench Job the adapter creates lives in a ConfigMap; apply it as a Job too, for the
    # API server's validation. Jobs are immutable: one name per stack.
    i=$((i + 1))
    jobs="$out/kube-bench-jobs-$i"
    mkdir -p "$jobs"
    node -e '
      const yaml = require("yaml");
      const fs = require("fs");
      const cm = yaml.parse(fs.readFileSync(process.argv[1], "utf8"));
      const job = yaml.parse(cm.data["job.yaml"]);
      job.metadata.name = process.argv[2];
      fs.writeFileSync(process.argv[3], yaml.stringify(job));
    ' "$stack/kube-bench/configmap.yaml" "kube-bench-validate-$i" "$jobs/job.yaml" ||
      fail "could not read the kube-bench Job of ${stack#"$out"/}"
    args+=(--apply "$jobs")
  done
  log="$out/harness.log"
  "$bin" "${args[@]}" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q '"kubeconfig"' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q '"kubeconfig"' "$log"; then
    echo "ok   server-side apply of every rendered stack ($(ls -d "$out"/*/security-stack | wc -l)) into kube-apiserver with the upstream CRDs"
  else
    fail "server-side apply: $(grep -v '^I[0-9]' "$log" | tail -20)"
  fi
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
else
  fail "the test-cluster harness could not be built or the CRDs fetched"
fi

if [ "$failed" -gt 0 ]; then
  echo "zero-trust-platform: $failed check(s) failed"
  exit 1
fi
echo "zero-trust-platform: all checks passed"
