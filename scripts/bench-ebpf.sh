#!/usr/bin/env bash
# eBPF probe benchmark (root, kernel BTF): overhead of the probes on a null-syscall workload, an
# open/read/close workload and a loopback TCP request/response workload, untracked and tracked,
# next to the floor (only an empty program on tp_btf/sys_exit, and on raw_tp/sys_exit), as ratios
# to a no-probes reference measured in the same rounds (workload pinned to one CPU); then ring
# buffer records/s delivered into Java and lost.
# Arguments pass through as --name=value (--rounds=11 --fileOps=500000 --tcpOps=100000
# --nullOps=5000000 --cpu=N|-1 --sustainSeconds=30 --rates=100,200,0
# --only=overhead|throughput|costs).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
exec java -cp "$jar:bench/target/lib/*" io.lineageledger.bpf.ProbeBench \
  --workload=bpf-probes/target/native-tools/bench_workload "$@"
