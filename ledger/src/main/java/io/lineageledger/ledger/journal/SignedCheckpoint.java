package io.lineageledger.ledger.journal;

import java.time.Instant;

/**
 * A checkpoint the log signed: its size and root, and the full C2SP signed-note text.
 *
 * @param note {@code <origin>\n<size>\n<base64 root>\n\n— <key name> <base64(keyID‖signature)>\n}
 */
public record SignedCheckpoint(long size, byte[] root, String note, Instant signedAt) {
  public SignedCheckpoint {
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }
}
