#!/usr/bin/env bash
# Builds the service and the bench module, then measures MLflow webhook ingestion (signature check
# + durable inbox) against a trivial Vert.x 200 handler in the same run. Arguments pass through as
# --name=value (--seconds=20 --warmup=5 --connections=64); the report is printed and written to
# bench/target/webhook-bench-report.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl api,bench -am package

jar=$(ls bench/target/lineage-bench-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)
exec java -Xmx2g -cp "$jar:bench/target/lib/*" io.lineageledger.bench.mlflow.WebhookBench \
  "--serviceClasspath=$PWD/api/target/lineage-api.jar:$PWD/api/target/lib/*" "$@"
