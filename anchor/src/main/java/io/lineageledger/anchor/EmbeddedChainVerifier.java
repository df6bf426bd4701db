package io.lineageledger.anchor;

import io.lineageledger.ledger.note.NoteVerificationException;
import io.lineageledger.ledger.note.NoteVerifier;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Re-checks the embedded anchor from its tables: every block's body hashes to its stored hash,
 * links to the previous block, carries the service's signature over (number, hash), and the world
 * state holds exactly the blocks' writes. Any edit of {@code anchor_blocks} or {@code anchor_state}
 * shows up as a finding naming the block.
 */
final class EmbeddedChainVerifier {
  private EmbeddedChainVerifier() {}

  static List<AnchorFinding> verify(DataSource db, NoteVerifier serviceKey) throws SQLException {
    List<AnchorFinding> out = new ArrayList<>();
    Map<String, Written> written = new HashMap<>();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      byte[] expectedPrevious = AnchorBlock.GENESIS_PREVIOUS;
      long expectedNumber = 0;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT number, previous_hash, tx_id, body, block_hash, signature"
                      + " FROM anchor_blocks ORDER BY number");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long number = rs.getLong(1);
          String where = "anchor block " + number;
          if (number != expectedNumber) {
            out.add(AnchorFinding.block(number, where + " follows block " + (expectedNumber - 1)));
          }
          expectedNumber = number + 1;
          AnchorBlock block;
          try {
            block = AnchorBlock.parse(rs.getBytes(4));
          } catch (RuntimeException e) {
            out.add(
                AnchorFinding.block(number, where + " has an unreadable body: " + e.getMessage()));
            expectedPrevious = rs.getBytes(5);
            continue;
          }
          byte[] storedHash = rs.getBytes(5);
          if (!MessageDigest.isEqual(block.hash(), storedHash)) {
            out.add(
                AnchorFinding.block(
                    number,
                    where
                        + ": body hashes to "
                        + b64(block.hash())
                        + " but the stored block hash is "
                        + b64(storedHash)
                        + " (the block was edited)"));
          }
          if (block.number() != number || !block.txId().equals(rs.getString(3))) {
            out.add(
                AnchorFinding.block(
                    number,
                    where + ": body names block " + block.number() + " tx " + block.txId()));
          }
          if (!MessageDigest.isEqual(block.previous(), expectedPrevious)
              || !MessageDigest.isEqual(rs.getBytes(2), expectedPrevious)) {
            out.add(
                AnchorFinding.block(
                    number, where + " does not link to the hash of block " + (number - 1)));
          }
          try {
            String signed = serviceKey.verify(rs.getString(6));
            if (!signed.equals(block.signedText())) {
              out.add(
                  AnchorFinding.block(
                      number, where + ": the service's signature covers another block hash"));
            }
          } catch (NoteVerificationException | IllegalArgumentException e) {
            out.add(
                AnchorFinding.block(
                    number,
                    where + ": signature does not verify with the service key: " + e.getMessage()));
          }
          for (Map.Entry<String, byte[]> w : block.writes().entrySet()) {
            written.put(w.getKey(), new Written(number, w.getValue()));
          }
          expectedPrevious = storedHash;
        }
      }
      try (PreparedStatement ps =
              c.prepareStatement("SELECT key, value, block_number FROM anchor_state");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          Written w = written.remove(key);
          long block = rs.getLong(3);
          if (w == null) {
            out.add(
                AnchorFinding.block(
                    block, "anchor state key " + printable(key) + " was written by no block"));
          } else if (w.block != block || !MessageDigest.isEqual(w.value, rs.getBytes(2))) {
            out.add(
                AnchorFinding.block(
                    block,
                    "anchor state key "
                        + printable(key)
                        + " differs from what block "
                        + w.block
                        + " wrote"));
          }
        }
      }
      c.rollback();
    }
    for (Map.Entry<String, Written> missing : written.entrySet()) {
      out.add(
          AnchorFinding.block(
              missing.getValue().block,
              "anchor state key "
                  + printable(missing.getKey())
                  + " written by this block is missing"));
    }
    return out;
  }

  private record Written(long block, byte[] value) {}

  static String printable(String key) {
    return key.replace('\u0001', '/');
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
