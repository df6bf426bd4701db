#!/usr/bin/env bash
# One-shot (fabric-tools image), after the orderer, the peer and the chaincode service are up:
# create the channel through the orderer's channel participation API, join the peer, and run the
# chaincode lifecycle (install the ccaas package, approve, commit). Idempotent.
set -euo pipefail
CHANNEL=${CHANNEL:-lineage}
CC_NAME=${CC_NAME:-lineage-anchor}
CC_VERSION=${CC_VERSION:-1}
crypto=/crypto
orderer_tls=$crypto/ordererOrganizations/example.com/orderers/orderer.example.com/tls
orderer_ca=$orderer_tls/ca.crt
admin_tls=$crypto/ordererOrganizations/example.com/users/Admin@example.com/tls

export FABRIC_CFG_PATH=/etc/hyperledger/fabric
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_LOCALMSPID=Org1MSP
export CORE_PEER_MSPCONFIGPATH=$crypto/peerOrganizations/org1.example.com/users/Admin@org1.example.com/msp
export CORE_PEER_TLS_ROOTCERT_FILE=$crypto/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/tls/ca.crt
export CORE_PEER_ADDRESS=peer0.org1.example.com:7051

retry() { for i in $(seq 1 30); do "$@" && return 0; sleep 2; done; return 1; }

if ! osnadmin channel list -o orderer.example.com:7053 --ca-file "$orderer_ca" \
    --client-cert "$admin_tls/client.crt" --client-key "$admin_tls/client.key" | grep -q "\"$CHANNEL\""; then
  retry osnadmin channel join --channelID "$CHANNEL" --config-block "$crypto/$CHANNEL.block" \
    -o orderer.example.com:7053 --ca-file "$orderer_ca" \
    --client-cert "$admin_tls/client.crt" --client-key "$admin_tls/client.key"
fi
if ! peer channel list | grep -qx "$CHANNEL"; then
  retry peer channel join -b "$crypto/$CHANNEL.block"
fi

package_id=$(cat "$crypto/package-id")
if ! peer lifecycle chaincode queryinstalled | grep -q "$package_id"; then
  peer lifecycle chaincode install "$crypto/$CC_NAME.tar.gz"
fi
if ! peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" >/dev/null 2>&1; then
  retry peer lifecycle chaincode approveformyorg -o orderer.example.com:7050 --tls --cafile "$orderer_ca" \
    -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" --package-id "$package_id" --sequence 1
  retry peer lifecycle chaincode commit -o orderer.example.com:7050 --tls --cafile "$orderer_ca" \
    -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" --sequence 1 \
    --peerAddresses "$CORE_PEER_ADDRESS" --tlsRootCertFiles "$CORE_PEER_TLS_ROOTCERT_FILE"
fi
peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME"
echo "fabric-network-setup: channel $CHANNEL and chaincode $CC_NAME ready"
