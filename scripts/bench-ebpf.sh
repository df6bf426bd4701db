#!/usr/bin/env bash
# eBPF probe benchmark (root, kernel BTF): overhead of the probes on an open/read/close workload
# and a loopback TCP request/response workload, untracked and tracked, as ratios to a no-probes
# reference measured in the same run; then ring buffer records/s delivered into Java and lost.
# Arguments pass through as --name=value (--rounds=5 --fileOps=1000000 --tcpOps=200000
# --sustainSeconds=30 --rates=100,200,0 --only=overhead|throughput|costs).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
exec java -cp "$jar:bench/target/lib/*" io.lineageledger.bpf.ProbeBench \
  --workload=bpf-probes/target/native-tools/bench_workload "$@"
