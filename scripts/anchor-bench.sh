#!/usr/bin/env bash
# Builds the bench module and runs the anchoring benchmark once: journal records/s with the embedded
# anchor anchoring every second vs anchoring off, alternating phases in one run on a fresh durable
# embedded PostgreSQL, plus the anchor lag p50/p99 under that load. Arguments pass through as
# --name=value (--seconds=10 --rounds=3 --writers=2 --batch=500 --anchorIntervalSeconds=1); the
# report is printed and written to bench/target/anchor-bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
cmd=(java -Xmx2g -cp "$jar:bench/target/lib/*" io.lineageledger.bench.anchor.AnchorBench "$@")
exec "${cmd[@]:0:1}" "-Dbench.command=scripts/anchor-bench.sh $* # runs: ${cmd[*]}" "${cmd[@]:1}"
