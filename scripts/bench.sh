#!/usr/bin/env bash
# Builds the bench module (and what it needs) and runs the journal benchmark once: COPY reference,
# end-to-end journal vs COPY, inclusion proofs at 1M leaves, Merkle integration vs raw SHA-256, on a
# fresh durable embedded PostgreSQL. Arguments pass through as --name=value (e.g. --records=50000
# --proofLeaves=300000); the report is printed and written to bench/target/bench-report.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
# -Xms = -Xmx: the full GC the bench runs before each timed round (to settle its pre-built records)
# otherwise shrinks the committed heap (to 508 MB), and G1 then ran the round with a young
# generation a few times smaller: a young collection every ~0.35 s (-Xlog:gc).
cmd=(java -Xms4g -Xmx4g -cp "$jar:bench/target/lib/*" io.lineageledger.ledger.journal.JournalBench "$@")
exec "${cmd[@]:0:1}" "-Dbench.command=scripts/bench.sh $* # runs: ${cmd[*]}" "${cmd[@]:1}"
