package io.lineageledger.ledger.merkle;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Single-bit corruptions of a proof and the two hashes it connects. */
final class Mutations {
  private Mutations() {}

  /** One corrupted copy: {@code first} (leaf or root1), the proof, and {@code second} (root). */
  record Flip(String where, int bit, byte[] first, List<byte[]> proof, byte[] second) {
    @Override
    public String toString() {
      return "bit " + bit + " of " + where + " flipped";
    }
  }

  static List<byte[]> parse(String... hex) {
    List<byte[]> out = new ArrayList<>();
    for (String h : hex) {
      out.add(HexFormat.of().parseHex(h));
    }
    return out;
  }

  static byte[] flip(byte[] hash, int bit) {
    byte[] copy = hash.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  /** Every way to flip exactly one bit of {@code first}, a proof element, or {@code second}. */
  static List<Flip> everyBit(byte[] first, List<byte[]> proof, byte[] second) {
    List<Flip> out = new ArrayList<>();
    for (int bit = 0; bit < Hashes.SIZE * 8; bit++) {
      out.add(atBit(-1, bit, first, proof, second));
      for (int i = 0; i < proof.size(); i++) {
        out.add(atBit(i, bit, first, proof, second));
      }
      out.add(atBit(proof.size(), bit, first, proof, second));
    }
    return out;
  }

  /**
   * Flips {@code bit} of element {@code target}: -1 is {@code first}, {@code proof.size()} is
   * {@code second}, anything between is that proof element.
   */
  static Flip atBit(int target, int bit, byte[] first, List<byte[]> proof, byte[] second) {
    if (target < 0) {
      return new Flip("first", bit, flip(first, bit), proof, second);
    }
    if (target >= proof.size()) {
      return new Flip("second", bit, first, proof, flip(second, bit));
    }
    List<byte[]> changed = new ArrayList<>(proof);
    changed.set(target, flip(proof.get(target), bit));
    return new Flip("proof[" + target + "]", bit, first, changed, second);
  }
}
