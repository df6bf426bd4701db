package io.lineageledger.bpf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs shell workloads as child processes with a chosen environment. */
final class Workloads {
  private Workloads() {}

  static int sh(Path dir, Map<String, String> env, String script)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", script));
    pb.directory(dir.toFile());
    pb.environment().remove("MLFLOW_RUN_ID");
    pb.environment().remove("MLFLOW_EXPERIMENT_ID");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("workload did not finish in 60 s: " + script);
    }
    return p.exitValue();
  }
}
