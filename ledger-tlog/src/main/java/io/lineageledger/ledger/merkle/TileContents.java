package io.lineageledger.ledger.merkle;

import java.util.Arrays;

/**
 * The bytes of one tile as served at {@link TileId#path()}: its {@code width} hashes concatenated.
 *
 * <p>Promises: {@code hashes.length == id.width() * 32}; the bytes cannot be changed through this
 * record and {@link #hashes()} returns a copy.
 */
public record TileContents(TileId id, byte[] hashes) {
  public TileContents {
    if (id == null) {
      throw new IllegalArgumentException("tile id is null");
    }
    if (hashes == null || hashes.length != id.width() * Hashes.SIZE) {
      throw new IllegalArgumentException(
          "tile "
              + id
              + " must hold exactly "
              + id.width() * Hashes.SIZE
              + " bytes but got "
              + (hashes == null ? "null" : hashes.length));
    }
    hashes = hashes.clone();
  }

  @Override
  public byte[] hashes() {
    return hashes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TileContents that
        && id.equals(that.id)
        && Arrays.equals(hashes, that.hashes);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Arrays.hashCode(hashes);
  }

  @Override
  public String toString() {
    return "TileContents[" + id + "]";
  }
}
