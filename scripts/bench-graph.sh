#!/usr/bin/env bash
# Builds the bench module and runs the provenance-query benchmark: writes a realistic history
# (default 1,000,000 records) through the journal on a fresh durable embedded PostgreSQL, projects
# the lineage graph, and times model-version lineage, dataset impact, time-travel lineage and
# lineage with proofs (p50/p99). Arguments: --records=N --queries=N, --data=DIR (keep the database
# in DIR; a later run with the same DIR reuses its history and graph) and --rebuild (with --data:
# project the history again). The report is printed and written to
# bench/target/graph-bench-report.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
cmd=(java -Xmx4g -cp "$jar:bench/target/lib/*" io.lineageledger.ledger.journal.GraphBench "$@")
exec "${cmd[@]:0:1}" "-Dbench.command=scripts/bench-graph.sh $* # runs: ${cmd[*]}" "${cmd[@]:1}"
