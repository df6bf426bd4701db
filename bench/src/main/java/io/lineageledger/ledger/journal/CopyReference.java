package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The ceiling the journal is compared with: the same documents written by one COPY into a plain
 * table with a bigint primary key, committed, through the same durable server. Runs as the owner
 * because the service role may only insert into the journal's tables.
 */
final class CopyReference {
  record Result(long rows, double seconds, long tableBytes, ObjectNode cpu) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  private CopyReference() {}

  /** Documents are built before the clock starts: the reference measures the database only. */
  static Result run(Connection owner, Workload workload, long first, long rows, CpuMeter cpu)
      throws SQLException {
    byte[][] docs = new byte[(int) rows][];
    for (int i = 0; i < rows; i++) {
      docs[i] = workload.record(first + i).canonicalBytes();
      for (byte b : docs[i]) {
        if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
          // COPY's text format would need escaping; the workload never produces these.
          throw new IllegalStateException("document " + i + " needs COPY escaping");
        }
      }
    }
    try (Statement s = owner.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench_copy");
      s.execute("CREATE TABLE bench_copy (id bigint PRIMARY KEY, doc jsonb NOT NULL)");
      s.execute("CHECKPOINT");
    }
    owner.setAutoCommit(true);
    CpuMeter.Reading cpuBefore = cpu.read();
    long start = System.nanoTime();
    CopyIn copy =
        owner
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY bench_copy (id, doc) FROM STDIN (FORMAT text)");
    try {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 20);
      for (int i = 0; i < rows; i++) {
        chunk.writeBytes(Long.toString(first + i).getBytes(StandardCharsets.US_ASCII));
        chunk.write('\t');
        chunk.writeBytes(docs[i]);
        chunk.write('\n');
        if (chunk.size() >= (1 << 20) - 1024) {
          copy.writeToCopy(chunk.toByteArray(), 0, chunk.size());
          chunk.reset();
        }
      }
      copy.writeToCopy(chunk.toByteArray(), 0, chunk.size());
      // With autocommit on, COPY is its own transaction: this returns after the durable commit.
      long copied = copy.endCopy();
      if (copied != rows) {
        throw new IllegalStateException("COPY wrote " + copied + " rows, not " + rows);
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectNode cpuJson = cpu.read().since(cpuBefore, JsonNodeFactory.instance.objectNode());
    try (Statement s = owner.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('bench_copy')")) {
      rs.next();
      return new Result(rows, seconds, rs.getLong(1), cpuJson);
    }
  }
}
