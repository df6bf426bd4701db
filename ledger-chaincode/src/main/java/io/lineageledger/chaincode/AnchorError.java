package io.lineageledger.chaincode;

/**
 * Why the contract refused a transaction. The name travels as the {@code ChaincodeException}
 * payload, so clients branch on it rather than on message text.
 */
public enum AnchorError {
  /** The caller is not allowed to register logs. */
  NOT_ADMIN,
  /** An argument is malformed (not a checkpoint note, not a proof, not a verifier key). */
  MALFORMED,
  /** The origin was registered before with a different verifier key. */
  ALREADY_REGISTERED,
  /** No log with this origin is registered. */
  UNKNOWN_ORIGIN,
  /** The checkpoint's signature does not verify with the registered key. */
  BAD_SIGNATURE,
  /** The checkpoint is smaller than the newest anchored one and is not itself anchored. */
  SMALLER_THAN_ANCHORED,
  /** Same size as an anchored checkpoint, different root: a fork. */
  FORK,
  /** The consistency proof from the newest anchored checkpoint does not verify. */
  INCONSISTENT,
  /** No anchor at the requested tree size. */
  NOT_FOUND
}
