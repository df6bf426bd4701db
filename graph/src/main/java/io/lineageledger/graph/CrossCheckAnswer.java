package io.lineageledger.graph;

import io.lineageledger.ledger.journal.SignedCheckpoint;
import java.util.List;
import java.util.Optional;

/**
 * Declared versus observed for one run, from the records included in {@code checkpoint}: what
 * MLflow says the run read (its dataset inputs) against what the kernel saw its process tree read
 * (eBPF evidence). The answer is itself journaled ({@code journaledAs}), so an auditor can prove
 * what the service concluded and when.
 *
 * @param checkpoint the checkpoint the answer is from
 * @param runId the run
 * @param findings one per declared dataset, and one per undeclared file read under a dataset prefix
 * @param declaredRecords records stating the run's dataset inputs
 * @param observedRecords evidence records of the run's processes
 * @param captureComplete whether every evidence window counted zero lost events and updates (if
 *     not, "not observed" may be capture loss)
 * @param journaledAs the record that journals this answer
 * @param requestedSize the checkpoint the question was about (see {@link
 *     LineageAnswer#requestedSize()})
 * @param records with proofs, every record the answer cites and its inclusion proof to {@code
 *     checkpoint}; empty otherwise
 */
public record CrossCheckAnswer(
    SignedCheckpoint checkpoint,
    String runId,
    List<Finding> findings,
    List<Long> declaredRecords,
    List<Long> observedRecords,
    boolean captureComplete,
    long journaledAs,
    long requestedSize,
    List<LineageAnswer.CitedRecord> records) {

  /** How a declaration and the observations relate. */
  public enum Status {
    /** A declared dataset matches files the run's processes read (by full digest, else by path). */
    CORROBORATED,
    /** Declared, never read by the run's processes. */
    DECLARED_NOT_OBSERVED,
    /** Read under a configured dataset prefix, named by no declaration. */
    OBSERVED_NOT_DECLARED,
    /** The path matches but the content's SHA-256 differs from the declared digest. */
    DIGEST_MISMATCH;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One finding.
   *
   * @param status the verdict
   * @param dataset declared dataset name, when a declaration is involved
   * @param declaredDigest the declared digest, when there is one
   * @param declaredSource the declared source (URI or path), when there is one
   * @param matchedBy {@code digest} or {@code path} for a match; empty otherwise
   * @param paths observed paths involved
   * @param observedSha256 content digests the kernel-side evidence computed for those paths
   * @param bytesRead bytes the run's processes read from those paths
   * @param records the records behind the finding (declaration and evidence)
   */
  public record Finding(
      Status status,
      Optional<String> dataset,
      Optional<String> declaredDigest,
      Optional<String> declaredSource,
      Optional<String> matchedBy,
      List<String> paths,
      List<String> observedSha256,
      long bytesRead,
      List<Long> records) {}
}
