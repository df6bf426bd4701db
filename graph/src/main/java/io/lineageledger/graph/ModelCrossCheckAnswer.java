package io.lineageledger.graph;

import io.lineageledger.ledger.journal.SignedCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What actually served a model version, from the records included in {@code checkpoint}: the
 * version's artifact files as the kernel saw its run write them (path and SHA-256), the processes
 * that opened or mapped a file with one of those digests, and the TCP flows those processes served
 * (bytes, time ranges). Journaled like the run cross-check ({@code journaledAs}).
 *
 * @param checkpoint the checkpoint the answer is from
 * @param version the version's key, {@code <name>/<version>} percent-encoded as in its subject
 * @param versionNodes the model-version nodes of that key (one per MLflow source)
 * @param runId the run that produced the version, when a record names it
 * @param artifactLocations where the version's artifacts are, as its records state it
 * @param findings artifacts first, then serving processes
 * @param declaredRecords MLflow records used (version, logged model, run)
 * @param observedRecords eBPF records used (process evidence and windows)
 * @param captureComplete whether every evidence record counted zero lost events and updates
 * @param journaledAs the record that journals this answer
 * @param requestedSize the checkpoint the question was about (see {@link
 *     LineageAnswer#requestedSize()})
 * @param records with proofs, every cited record and its inclusion proof; empty otherwise
 */
public record ModelCrossCheckAnswer(
    SignedCheckpoint checkpoint,
    String version,
    List<String> versionNodes,
    Optional<String> runId,
    List<ArtifactLocation> artifactLocations,
    List<Finding> findings,
    List<Long> declaredRecords,
    List<Long> observedRecords,
    boolean captureComplete,
    long journaledAs,
    long requestedSize,
    List<LineageAnswer.CitedRecord> records) {

  /**
   * A place the version's artifacts live.
   *
   * @param uri as the record states it
   * @param path the local path it names, when it names one (only those can be matched with files)
   * @param statedBy which field said so, e.g. {@code logged model artifact_uri}
   * @param records the record that states it
   */
  public record ArtifactLocation(
      String uri, Optional<String> path, String statedBy, List<Long> records) {}

  /** What a finding says. */
  public enum Status {
    /** A file under an artifact location, written by the version's run, with its digest. */
    ARTIFACT_OBSERVED,
    /** No evidence of the version's run writing its artifacts: nothing to match servers with. */
    ARTIFACT_NOT_OBSERVED,
    /** A process opened or mapped an artifact (by digest) and served TCP flows. */
    SERVED,
    /** A process opened or mapped an artifact (by digest) but served no flow that was seen. */
    LOADED_NOT_SERVED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One finding.
   *
   * @param detail why, in words
   * @param paths the files involved
   * @param sha256 their content digests
   * @param bytesWritten bytes the run wrote to them (artifact findings)
   * @param process the serving process (serving findings)
   * @param records the records behind the finding
   */
  public record Finding(
      Status status,
      String detail,
      List<String> paths,
      List<String> sha256,
      long bytesWritten,
      Optional<ServingProcess> process,
      List<Long> records) {}

  /**
   * A process that loaded an artifact.
   *
   * @param id its node ({@code process:<host>/<tgid>@<start ns>})
   * @param bytesRead bytes it read from files with an artifact digest
   * @param opens opens of those files
   * @param mmaps mappings of those files
   * @param servedFlows its TCP flows on serving ports (every flow when no serving port is
   *     configured), with bytes and the evidence windows they were seen in
   * @param otherFlows flows on other local ports
   * @param from start of the first window a served flow was seen in
   * @param until end of the last one
   */
  public record ServingProcess(
      String id,
      String comm,
      String executable,
      long bytesRead,
      long opens,
      long mmaps,
      List<Flow> servedFlows,
      int otherFlows,
      long bytesSent,
      long bytesReceived,
      Optional<Instant> from,
      Optional<Instant> until) {}

  /** One TCP flow, from the serving process's side, summed over the windows it was seen in. */
  public record Flow(
      String localAddress,
      int localPort,
      String remoteAddress,
      int remotePort,
      long bytesSent,
      long bytesReceived,
      Instant from,
      Instant until,
      List<Long> records) {}
}
