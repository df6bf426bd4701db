package io.lineageledger.anchor;

import io.lineageledger.chaincode.AdminPolicy;
import io.lineageledger.chaincode.AnchorContract;
import io.lineageledger.chaincode.AnchorError;
import io.lineageledger.chaincode.LocalIdentity;
import io.lineageledger.chaincode.LocalStub;
import io.lineageledger.chaincode.LocalTransactions;
import io.lineageledger.chaincode.StateReader;
import io.lineageledger.ledger.note.NoteSigner;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * The default anchor when no Fabric network is configured: the same {@link AnchorContract} runs in
 * process against a world state in PostgreSQL ({@code anchor_state}), and every transaction that
 * writes becomes a block in {@code anchor_blocks}, hash-linked to the previous block and signed
 * with the service's checkpoint key (see {@link AnchorBlock}). Both tables are append-only.
 *
 * <p>What this is worth: the anchor is <em>tamper-evident</em> — changing a block or a state row
 * breaks the hash chain, a signature or the state/block correspondence, which {@link
 * EmbeddedChainVerifier} reports — but <em>not independent</em>: whoever holds the database and the
 * service's key can rebuild it. Fabric is the independent anchor.
 */
public final class EmbeddedAnchor implements Anchor {
  static final String BACKEND = "embedded";
  static final String MSP = "LineageEmbeddedMSP";
  static final String CHANNEL = "embedded";

  /** Serializes block production across service instances sharing the database. */
  private static final long BLOCK_LOCK = 0x4c4c414e43484f52L;

  private final DataSource db;
  private final NoteSigner blockSigner;
  private final Clock clock;
  private final LocalIdentity identity;
  private final byte[] creator;
  private final LocalTransactions transactions;
  private final SecureRandom random = new SecureRandom();

  public EmbeddedAnchor(DataSource db, NoteSigner blockSigner, Clock clock) {
    this.db = db;
    this.blockSigner = blockSigner;
    this.clock = clock;
    this.identity =
        LocalIdentity.generate(MSP, "lineage-ledger-service", Map.of(), clock.instant());
    this.creator = identity.serialized();
    this.transactions =
        new LocalTransactions(new AnchorContract(new AdminPolicy(Set.of(MSP)), 100));
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public boolean independent() {
    return false;
  }

  @Override
  public void register(String origin, String vkey) throws AnchorException {
    submit("registerLog", List.of(origin, vkey));
  }

  @Override
  public AnchorReceipt anchor(String checkpointNote, List<byte[]> consistencyProof)
      throws AnchorException {
    Result r =
        submit("anchor", List.of(checkpointNote, ContractAnswers.proofArgument(consistencyProof)));
    OptionalLong block = r.block;
    if (block.isEmpty()) {
      // Already anchored: the block is the one that wrote the anchor.
      block = blockOfTx(ContractAnswers.txIdOf(r.answer));
    }
    return ContractAnswers.receipt(BACKEND, r.answer, block, "VALID");
  }

  @Override
  public Optional<AnchorReceipt> read(String origin, long treeSize) throws AnchorException {
    try {
      String answer = evaluate("getAnchor", List.of(origin, Long.toString(treeSize)));
      return Optional.of(
          ContractAnswers.receipt(
              BACKEND, answer, blockOfTx(ContractAnswers.txIdOf(answer)), "VALID"));
    } catch (AnchorException e) {
      if (e.error().orElse(null) == AnchorError.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<AnchorReceipt> latest(String origin) throws AnchorException {
    String answer = evaluate("latest", List.of(origin));
    if (ContractAnswers.nonEmpty(answer).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        ContractAnswers.receipt(
            BACKEND, answer, blockOfTx(ContractAnswers.txIdOf(answer)), "VALID"));
  }

  @Override
  public void close() {}

  private record Result(String answer, OptionalLong block) {}

  private String evaluate(String function, List<String> args) throws AnchorException {
    try (Connection c = db.getConnection()) {
      c.setReadOnly(true);
      LocalStub stub = stub(new PgState(c), function, args);
      return invoke(stub);
    } catch (SQLException e) {
      throw unavailable(function, e);
    }
  }

  /** One transaction: simulate, and when the contract wrote something, commit it as a block. */
  private Result submit(String function, List<String> args) throws AnchorException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, BLOCK_LOCK);
          lock.execute();
        }
        LocalStub stub = stub(new PgState(c), function, args);
        String answer = invoke(stub);
        if (stub.writes().isEmpty()) {
          c.rollback();
          return new Result(answer, OptionalLong.empty());
        }
        long number = appendBlock(c, stub);
        c.commit();
        return new Result(answer, OptionalLong.of(number));
      } catch (AnchorException | SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable(function, e);
    }
  }

  private LocalStub stub(StateReader state, String function, List<String> args) {
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    // Fabric's own tx id rule: hex(SHA-256(nonce || creator)).
    String txId = HexFormat.of().formatHex(AnchorBlock.sha256(nonce, creator));
    // PostgreSQL keeps microseconds; the stored timestamp must equal the one the contract saw.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return new LocalStub(state, CHANNEL, txId, now, creator, MSP, function, args);
  }

  private String invoke(LocalStub stub) throws AnchorException {
    try {
      return transactions.invoke(stub);
    } catch (ChaincodeException e) {
      Optional<AnchorError> error = ContractAnswers.errorOf(e.getPayload(), e.getMessage());
      throw new AnchorException(
          AnchorException.Kind.REFUSED, error.orElse(null), e.getMessage(), e);
    }
  }

  private long appendBlock(Connection c, LocalStub stub) throws SQLException {
    long number;
    byte[] previous;
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT number, block_hash FROM anchor_blocks ORDER BY number DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        number = rs.getLong(1) + 1;
        previous = rs.getBytes(2);
      } else {
        number = 0;
        previous = AnchorBlock.GENESIS_PREVIOUS;
      }
    }
    AnchorBlock block =
        AnchorBlock.of(
            number,
            previous,
            stub.getTxId(),
            stub.getTxTimestamp(),
            stub.getFunction(),
            stub.writes(),
            stub.event() == null ? null : stub.event().getPayload().toByteArray());
    String signature = blockSigner.sign(block.signedText());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO anchor_blocks (number, previous_hash, tx_id, tx_time, body, block_hash,"
                + " signature) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, number);
      ps.setBytes(2, previous);
      ps.setString(3, block.txId());
      ps.setTimestamp(4, Timestamp.from(block.txTime()));
      ps.setBytes(5, block.body());
      ps.setBytes(6, block.hash());
      ps.setString(7, signature);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO anchor_state (key, value, block_number) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, byte[]> w : stub.writes().entrySet()) {
        ps.setString(1, w.getKey());
        ps.setBytes(2, w.getValue());
        ps.setLong(3, number);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return number;
  }

  private OptionalLong blockOfTx(String txId) throws AnchorException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT number FROM anchor_blocks WHERE tx_id = ?")) {
      ps.setString(1, txId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    } catch (SQLException e) {
      throw unavailable("block lookup", e);
    }
  }

  private static AnchorException unavailable(String what, SQLException e) {
    return new AnchorException(
        AnchorException.Kind.UNAVAILABLE,
        "embedded anchor: " + what + " failed in PostgreSQL: " + e.getMessage(),
        e);
  }

  /** Committed world state, read on the transaction's own connection (byte-order key ranges). */
  private static final class PgState implements StateReader {
    private final Connection c;

    PgState(Connection c) {
      this.c = c;
    }

    @Override
    public byte[] get(String key) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT value FROM anchor_state WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getBytes(1) : null;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("reading anchor state: " + e.getMessage(), e);
      }
    }

    @Override
    public Iterator<Map.Entry<String, byte[]>> range(String start, String end) {
      // The contract reads the first entry of the index and pages of history: read in pages.
      return new Iterator<>() {
        private final List<Map.Entry<String, byte[]>> page = new ArrayList<>();
        private String after = null;
        private boolean exhausted;
        private int next;
        private int pageSize = 4;

        @Override
        public boolean hasNext() {
          if (next < page.size()) {
            return true;
          }
          if (exhausted) {
            return false;
          }
          fetch();
          return next < page.size();
        }

        @Override
        public Map.Entry<String, byte[]> next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return page.get(next++);
        }

        private void fetch() {
          page.clear();
          next = 0;
          String sql =
              // The column's collation is "C" (V3): byte order, served by the primary key.
              "SELECT key, value FROM anchor_state WHERE key "
                  + (after == null ? ">=" : ">")
                  + " ? AND key < ? ORDER BY key LIMIT "
                  + pageSize;
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, after == null ? start : after);
            ps.setString(2, end);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                page.add(Map.entry(rs.getString(1), rs.getBytes(2)));
              }
            }
          } catch (SQLException e) {
            throw new IllegalStateException("reading anchor state: " + e.getMessage(), e);
          }
          if (page.size() < pageSize) {
            exhausted = true;
          }
          // The contract often reads only the first entry (the newest anchor): start small.
          pageSize = Math.min(pageSize * 4, 256);
          if (!page.isEmpty()) {
            after = page.get(page.size() - 1).getKey();
          }
        }
      };
    }
  }
}
