#!/usr/bin/env bash
# One-shot (fabric-tools image): crypto material, the channel's genesis block, and the
# chaincode-as-a-service package with its package id. Idempotent: does nothing when done.
set -euo pipefail
out=/crypto
if [ -f "$out/.done" ]; then
  echo "fabric-crypto: already generated"
  exit 0
fi
cryptogen generate --config=/deploy/crypto-config.yaml --output="$out"
FABRIC_CFG_PATH=/deploy configtxgen -profile LineageChannel -outputBlock "$out/lineage.block" -channelID "${CHANNEL:-lineage}"

# Chaincode as a service: the peer's built-in ccaas builder connects to this address.
pkg=$(mktemp -d)
cat > "$pkg/connection.json" <<JSON
{"address": "${CC_ADDRESS:-anchor-chaincode:9999}", "dial_timeout": "10s", "tls_required": false}
JSON
cat > "$pkg/metadata.json" <<JSON
{"type": "ccaas", "label": "${CC_NAME:-lineage-anchor}_${CC_VERSION:-1}"}
JSON
tar -C "$pkg" -czf "$pkg/code.tar.gz" connection.json
tar -C "$pkg" -czf "$out/${CC_NAME:-lineage-anchor}.tar.gz" metadata.json code.tar.gz
peer lifecycle chaincode calculatepackageid "$out/${CC_NAME:-lineage-anchor}.tar.gz" > "$out/package-id"
echo "fabric-crypto: package id $(cat "$out/package-id")"
touch "$out/.done"
