/**
 * Pure Merkle-log math for the ledger: RFC 9162 hashing, compact ranges for batch integration,
 * proof node selection and assembly, proof verification, and C2SP tlog-tiles layout.
 *
 * <p>Nothing in this package performs I/O or depends on anything outside the JDK, so the offline
 * verifier and the Fabric chaincode can reuse it unchanged. Storage, sequencing and proof serving
 * live in other packages and reach hashes only through {@link
 * io.lineageledger.ledger.merkle.HashReader} and tile contents they read themselves.
 */
package io.lineageledger.ledger.merkle;
