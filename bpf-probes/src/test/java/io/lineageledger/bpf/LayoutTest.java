package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java codecs against bytes C wrote: target/native-tools/layout_dump is compiled from the same
 * lineage.h as the BPF programs and fills each struct with known values.
 */
class LayoutTest {
  private static final ProcKey PROC = new ProcKey(0x11223344, 0x0102030405060708L);

  private static Map<String, ByteBuffer> dumped() throws IOException, InterruptedException {
    Path tool = Path.of("target/native-tools/layout_dump");
    if (!Files.isExecutable(tool)) {
      Privileged.require("no " + tool + " (native build skipped)");
    }
    Process p = new ProcessBuilder(tool.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor()).isZero();
    Map<String, ByteBuffer> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split(" ");
      m.put(f[0], Codecs.le(ByteBuffer.wrap(HexFormat.of().parseHex(f[1]))));
    }
    return m;
  }

  /** Every byte not covered by a named member other than a pad member must be zero. */
  private static void assertPaddingZero(StructLayout l, ByteBuffer b) {
    assertThat(b.capacity()).as("size of %s", l.name()).isEqualTo(l.size());
    boolean[] covered = new boolean[l.size()];
    for (StructLayout.Member m : l.members()) {
      boolean pad = m.name().equals("pad") || m.name().endsWith(".pad");
      for (int i = m.offset(); i < m.offset() + m.size(); i++) {
        covered[i] = !pad;
      }
    }
    for (int i = 0; i < l.size(); i++) {
      if (!covered[i]) {
        assertThat(b.get(i)).as("%s padding byte %d", l.name(), i).isZero();
      }
    }
  }

  @Test
  void codecs_readBytesWrittenByC_sameValuesZeroPadding() throws Exception {
    Map<String, ByteBuffer> c = dumped();

    FileKey fk = Codecs.fileKey(c.get("ln_file_key"), 0);
    assertThat(fk).isEqualTo(new FileKey(PROC, (8 << 20) | 3, 0xa1a2a3a4a5a6a7a8L));
    assertThat(fk.statDev()).isEqualTo((8 << 8) | 3);
    assertPaddingZero(Codecs.FILE_KEY, c.get("ln_file_key"));

    FileCounts fv = Codecs.fileVal(c.get("ln_file_val"), 0);
    assertThat(fv)
        .isEqualTo(new FileCounts(1000, 2000, 3, 4, 5, 6, 0x241, 7, 8, "/data/train.csv"));
    assertPaddingZero(Codecs.FILE_VAL, c.get("ln_file_val"));

    FlowKey wk = Codecs.flowKey(c.get("ln_flow_key"), 0);
    assertThat(wk.proc()).isEqualTo(PROC);
    assertThat(wk.family()).isEqualTo(2);
    assertThat(wk.proto()).isEqualTo(6);
    assertThat(wk.sport()).isEqualTo(8080);
    assertThat(wk.dport()).isEqualTo(50000);
    assertThat(wk.source()).isEqualTo("127.0.0.1");
    assertThat(wk.destination()).isEqualTo("10.1.2.3");
    assertPaddingZero(Codecs.FLOW_KEY, c.get("ln_flow_key"));

    FlowCounts wv = Codecs.flowVal(c.get("ln_flow_val"), 0);
    assertThat(wv).isEqualTo(new FlowCounts(11, 12, 13, 14, (1 << 1) | (1 << 7), 7, 15, 16));

    ByteBuffer fe = c.get("ln_fork_event");
    assertThat(Codecs.event(fe, 0, fe.capacity()))
        .isEqualTo(new ProbeEvent.Fork(99, PROC, new ProcKey(41, 42)));
    assertPaddingZero(Codecs.FORK_EVENT, fe);

    ByteBuffer xe = c.get("ln_exit_event");
    assertThat(Codecs.event(xe, 0, xe.capacity()))
        .isEqualTo(new ProbeEvent.Exit(100, PROC, 3 << 8, 5_000_000_000L));
    assertPaddingZero(Codecs.EXIT_EVENT, xe);

    ByteBuffer ee = c.get("ln_exec_event");
    assertThat(Codecs.event(ee, 0, ee.capacity()))
        .isEqualTo(
            new ProbeEvent.Exec(
                101,
                PROC,
                1,
                1000,
                777,
                1,
                "python",
                "/usr/bin/python3",
                List.of("python", "train.py"),
                "/home/exp",
                List.of("run-123", "", "", "")));
    assertPaddingZero(Codecs.EXEC_EVENT, ee);

    // what Java writes into the config map is byte for byte what C would
    assertThat(Codecs.config(ProbeOptions.MLFLOW_ENV, 2, 3)).isEqualTo(c.get("ln_config").array());
    // a prefix directory's key: the stat(2) device of major 259, minor 300 in the kernel's encoding
    long statDev = (300 & 0xff) | (259L << 8) | ((300L & ~0xffL) << 12);
    assertThat(Codecs.dirKey(4242, statDev)).isEqualTo(c.get("ln_dir_key").array());
  }

  @Test
  void checkAgainst_mismatchedMember_namesStructAndMember() {
    StructLayout btf = Codecs.FILE_KEY;
    List<Object> wrong = new ArrayList<>();
    for (StructLayout.Member m : btf.members()) {
      wrong.add(m.name());
      wrong.add(m.name().equals("ino") ? 8 : m.offset());
      wrong.add(m.name().equals("ino") ? 4 : m.size());
    }
    StructLayout codec = StructLayout.of("ln_file_key", 32, wrong.toArray());
    assertThatThrownBy(() -> codec.checkAgainst(btf, "lineage.bpf.o"))
        .isInstanceOf(LayoutMismatchException.class)
        .hasMessageContaining("struct ln_file_key")
        .hasMessageContaining("member ino")
        .hasMessageContaining("codec has offset 8 size 4, BTF has offset 16 size 8");
  }

  @Test
  void checkAgainst_memberOnlyInBtf_refused() {
    StructLayout btf = StructLayout.parse("ln_exit_event", "size:8\na:0:4\nb:4:4\n");
    StructLayout codec = StructLayout.of("ln_exit_event", 8, "a", 0, 4);
    assertThatThrownBy(() -> codec.checkAgainst(btf, "x.o"))
        .isInstanceOf(LayoutMismatchException.class)
        .hasMessageContaining("member b: in the BTF, not in the codec");
  }

  @Test
  void open_mismatchedCodec_refusedBeforeLoad() {
    Privileged.requireProbes();
    StructLayout wrong =
        StructLayout.of(
            "ln_flow_key",
            56,
            "proc.start_ns",
            0,
            8,
            "proc.tgid",
            8,
            4,
            "proc.pad",
            12,
            4,
            "family",
            16,
            2,
            "proto",
            18,
            2,
            "dport",
            20,
            2,
            "sport",
            22,
            2,
            "saddr",
            24,
            16,
            "daddr",
            40,
            16);
    assertThatThrownBy(() -> ProbeSession.open(ProbeOptions.defaults(), List.of(wrong)))
        .isInstanceOf(LayoutMismatchException.class)
        .hasMessageContaining("struct ln_flow_key of lineage.bpf.o member dport")
        .hasMessageContaining("codec has offset 20 size 2, BTF has offset 22 size 2");
  }

  @Test
  void open_codecForMissingStruct_refused() {
    Privileged.requireProbes();
    StructLayout ghost = StructLayout.of("ln_not_there", 8, "x", 0, 8);
    assertThatThrownBy(() -> ProbeSession.open(ProbeOptions.defaults(), List.of(ghost)))
        .isInstanceOf(LayoutMismatchException.class)
        .hasMessageContaining("struct ln_not_there of lineage.bpf.o: not in its BTF");
  }
}
