package io.lineageledger.ledger.journal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Benchmark settings, each {@code --name=value} on the command line.
 *
 * @param records records (and COPY rows) of the end-to-end comparison
 * @param journalWarmup records appended, sequenced and checkpointed (and COPY rows written) untimed
 *     first, so the timed window measures a warm JVM as a running service has
 * @param rounds COPY-then-journal rounds; the ratio reported is the median of the rounds' ratios
 * @param batch records per appendAll call (also the integration batch of the Merkle phase)
 * @param writers appending threads
 * @param sequencerBatch most records per sequencing transaction (the service's log.batchSize)
 * @param checkpointMillis least time between signed checkpoints (log.checkpointIntervalMillis). 100
 *     ms, a tenth of the service default: the run ends when a checkpoint covers every record, and
 *     with 1 s up to a second of the timed window was idle waiting for the rate limit; at 100 ms
 *     checkpoints are signed (and checked for consistency) ten times as often, so that work is
 *     measured, not hidden
 * @param stepMillis period of the sequencer's step() (log.sequenceIntervalMillis)
 * @param pool connection pool size
 * @param proofLeaves tree size at which inclusion proofs are timed
 * @param warmup untimed proofs first
 * @param proofs timed proofs
 * @param merkleLeaves leaves of the in-memory integration phase
 * @param report where the JSON report goes
 */
record Options(
    long records,
    long journalWarmup,
    int rounds,
    int batch,
    int writers,
    int sequencerBatch,
    long checkpointMillis,
    long stepMillis,
    int pool,
    long proofLeaves,
    int warmup,
    int proofs,
    int merkleLeaves,
    String report) {

  static Options parse(String[] args) {
    Map<String, String> v = new LinkedHashMap<>();
    // Defaults: the brief's sizes and the service's own log.* defaults.
    v.put("records", "200000");
    v.put("journalWarmup", "50000");
    v.put("rounds", "5");
    v.put("batch", "1000");
    v.put("writers", "2");
    v.put("sequencerBatch", "10000");
    v.put("checkpointMillis", "100");
    v.put("stepMillis", "100");
    v.put("pool", "8");
    v.put("proofLeaves", "1000000");
    v.put("warmup", "1000");
    v.put("proofs", "5000");
    v.put("merkleLeaves", "2000000");
    v.put("report", "bench/target/bench-report.json");
    for (String a : args) {
      int eq = a.indexOf('=');
      String name = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
      if (name == null || !v.containsKey(name)) {
        throw new IllegalArgumentException(
            "argument '"
                + a
                + "' is not allowed: expected --name=value, name one of "
                + v.keySet());
      }
      v.put(name, a.substring(eq + 1));
    }
    return new Options(
        Long.parseLong(v.get("records")),
        Long.parseLong(v.get("journalWarmup")),
        Integer.parseInt(v.get("rounds")),
        Integer.parseInt(v.get("batch")),
        Integer.parseInt(v.get("writers")),
        Integer.parseInt(v.get("sequencerBatch")),
        Long.parseLong(v.get("checkpointMillis")),
        Long.parseLong(v.get("stepMillis")),
        Integer.parseInt(v.get("pool")),
        Long.parseLong(v.get("proofLeaves")),
        Integer.parseInt(v.get("warmup")),
        Integer.parseInt(v.get("proofs")),
        Integer.parseInt(v.get("merkleLeaves")),
        v.get("report"));
  }
}
