package io.lineageledger.bpf;

import java.util.List;
import java.util.Map;

/**
 * What one tracked process did during a window. {@code env} holds the tracking variables in force
 * for it (its own at exec, else inherited from its parent), e.g. {@code MLFLOW_RUN_ID}. Lifecycle
 * fields are null when not known (the process started before the probes, or its event was lost:
 * then {@link EvidenceWindow#eventsLost} is non-zero).
 */
public record ProcessEvidence(
    ProcKey proc,
    Integer ppid,
    ProcKey parent,
    String comm,
    String executable,
    List<String> args,
    Map<String, String> env,
    String trackedBecause,
    Integer exitStatus,
    Long durationNs,
    List<FileEvidence> files,
    List<FlowEvidence> flows) {
  public ProcessEvidence {
    args = args == null ? List.of() : List.copyOf(args);
    env = Map.copyOf(env);
    files = List.copyOf(files);
    flows = List.copyOf(flows);
  }

  /** The MLflow run this process belongs to, or null. */
  public String runId() {
    return env.get("MLFLOW_RUN_ID");
  }
}
