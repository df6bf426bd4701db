package io.lineageledger.bpf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.journal.Record;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel's evidence for one window: every tracked process that did something, and how lossy
 * capture was. {@code eventsLost} counts ring buffer records the kernel could not deliver (process
 * lifecycle); {@code updatesLost} counts aggregate updates refused because a map was full (bytes
 * not counted). Both zero means the window is complete.
 *
 * @param id stable id: boot id and window start, the journal's sourceRef prefix
 */
public record EvidenceWindow(
    String id,
    Instant start,
    Instant end,
    long eventsEmitted,
    long eventsLost,
    long updatesLost,
    List<ProcessEvidence> processes) {

  /** Journal source of runtime evidence. */
  public static final String SOURCE = "ebpf";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Files (or flows) per record: 64 entries of at most ~700 bytes stay well under 64 KiB. */
  static final int PER_PART = 64;

  public EvidenceWindow {
    processes = List.copyOf(processes);
  }

  /** Nothing happened: no tracked activity and nothing lost. */
  public boolean isEmpty() {
    return processes.isEmpty() && eventsLost == 0 && updatesLost == 0;
  }

  /**
   * One {@code ebpf.window} record (capture completeness) and one {@code ebpf.process} record per
   * process, each with a stable sourceRef so that journaling a window twice is a no-op.
   */
  private static <T> List<T> slice(List<T> all, int part) {
    int from = Math.min(all.size(), part * PER_PART);
    return all.subList(from, Math.min(all.size(), from + PER_PART));
  }

  // Names the machine in process nodes: a pid is only unique on its host.
  private static final String HOST = hostName();

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static void link(ArrayNode links, String from, String rel, String to) {
    links.addObject().put("from", from).put("rel", rel).put("to", to);
  }

  public List<Record> toRecords() {
    List<Record> out = new ArrayList<>();
    ObjectNode w = MAPPER.createObjectNode();
    w.put("window", id);
    w.put("start", start.toString());
    w.put("end", end.toString());
    w.put("eventsEmitted", eventsEmitted);
    w.put("eventsLost", eventsLost);
    w.put("updatesLost", updatesLost);
    w.put("complete", eventsLost == 0 && updatesLost == 0);
    w.put("processes", processes.size());
    out.add(Record.of(SOURCE, "ebpf.window", id, end, List.of("ebpf-window:" + id), w));
    for (ProcessEvidence p : processes) {
      // A journal record holds at most 65535 canonical bytes: a process that touched many files
      // (an interpreter importing hundreds of modules) is split into numbered parts.
      int parts =
          Math.max(
              1,
              Math.max(
                  (p.files().size() + PER_PART - 1) / PER_PART,
                  (p.flows().size() + PER_PART - 1) / PER_PART));
      for (int part = 0; part < parts; part++) {
        ObjectNode n = MAPPER.valueToTree(p);
        // 64-bit kernel values as strings: JCS numbers are exact only up to 2^53
        n.put("proc", p.proc().toString());
        n.put("parent", p.parent() == null ? null : p.parent().toString());
        n.put("window", id);
        n.put("eventsLost", eventsLost);
        n.put("updatesLost", updatesLost);
        n.remove("runId");
        List<FileEvidence> fs = slice(p.files(), part);
        ArrayNode files = n.putArray("files");
        for (FileEvidence f : fs) {
          ObjectNode fn = MAPPER.valueToTree(f);
          fn.put("ino", Long.toUnsignedString(f.ino()));
          fn.put("dev", Long.toUnsignedString(f.dev()));
          files.add(fn);
        }
        n.set("flows", MAPPER.valueToTree(slice(p.flows(), part)));
        String ref = id + "/" + p.proc().tgid() + "-" + p.proc().startNs();
        if (parts > 1) {
          n.put("part", part + 1);
          n.put("parts", parts);
          ref = ref + "/" + (part + 1) + "-of-" + parts;
        }
        // The lineage this evidence states, for the graph (graph's Extractors.declaredLinks):
        // content read by the process, content it wrote, the run it worked for, flows it used.
        String processNode = "process:" + HOST + "/" + p.proc();
        ArrayNode links = n.putArray("links");
        for (FileEvidence f : fs) {
          if (f.sha256() == null) {
            continue;
          }
          if (f.bytesRead() > 0 || f.mmaps() > 0) {
            link(links, "sha256:" + f.sha256(), "read_by", processNode);
          }
          if (f.bytesWritten() > 0) {
            link(links, processNode, "wrote", "sha256:" + f.sha256());
          }
        }
        if (p.runId() != null) {
          link(links, processNode, "executed_for", "mlflow-run:" + p.runId());
        }
        for (FlowEvidence f : slice(p.flows(), part)) {
          link(
              links,
              processNode,
              "flow",
              "endpoint:"
                  + f.localAddress()
                  + ":"
                  + f.localPort()
                  + "<->"
                  + f.remoteAddress()
                  + ":"
                  + f.remotePort());
        }
        Set<String> subjects = new LinkedHashSet<>();
        subjects.add("ebpf-window:" + id);
        subjects.add(processNode);
        p.env().forEach((k, v) -> subjects.add("env:" + k + "=" + v));
        if (p.runId() != null) {
          subjects.add("mlflow-run:" + p.runId());
        }
        for (FileEvidence f : fs) {
          if (f.sha256() != null) {
            subjects.add("sha256:" + f.sha256());
          }
        }
        out.add(Record.of(SOURCE, "ebpf.process", ref, end, List.copyOf(subjects), n));
      }
    }
    return out;
  }
}
