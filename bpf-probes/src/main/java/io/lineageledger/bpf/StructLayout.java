package io.lineageledger.bpf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A C struct's layout: size and members (nested structs flattened as {@code a.b}) with byte offsets
 * and sizes. The codecs declare the layout they read; {@link #checkAgainst} compares it with the
 * layout the compiled BPF object's BTF describes.
 */
record StructLayout(String name, int size, List<Member> members) {

  record Member(String name, int offset, int size) {}

  StructLayout {
    members = List.copyOf(members);
    for (Member m : members) {
      if (m.offset < 0 || m.size <= 0 || m.offset + m.size > size) {
        throw new IllegalArgumentException(
            "struct " + name + " member " + m.name + " does not fit in " + size + " bytes");
      }
    }
  }

  static StructLayout of(String name, int size, Object... nameOffsetSize) {
    List<Member> ms = new ArrayList<>();
    for (int i = 0; i < nameOffsetSize.length; i += 3) {
      ms.add(
          new Member(
              (String) nameOffsetSize[i],
              (Integer) nameOffsetSize[i + 1],
              (Integer) nameOffsetSize[i + 2]));
    }
    return new StructLayout(name, size, ms);
  }

  int offset(String member) {
    for (Member m : members) {
      if (m.name.equals(member)) {
        return m.offset;
      }
    }
    throw new IllegalArgumentException("struct " + name + " has no member " + member);
  }

  /** Parses the bridge's description: {@code size:N} then {@code member:offset:size} lines. */
  static StructLayout parse(String name, String text) {
    int size = -1;
    List<Member> ms = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(":");
      if (f[0].equals("size") && f.length == 2) {
        size = Integer.parseInt(f[1]);
      } else if (f.length == 3) {
        ms.add(new Member(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2])));
      } else {
        throw new IllegalArgumentException("struct " + name + ": unreadable layout line " + line);
      }
    }
    return new StructLayout(name, size, ms);
  }

  /**
   * Fails with a message naming the struct and the first member whose name, offset or size differs
   * between this codec layout and {@code btf}.
   */
  void checkAgainst(StructLayout btf, String objectName) {
    String where = "struct " + name + " of " + objectName;
    if (btf.size != size) {
      throw new LayoutMismatchException(
          where + ": codec expects " + size + " bytes, BTF says " + btf.size);
    }
    Map<String, Member> kernel = new LinkedHashMap<>();
    btf.members.forEach(m -> kernel.put(m.name, m));
    for (Member m : members) {
      Member k = kernel.remove(m.name);
      if (k == null) {
        throw new LayoutMismatchException(
            where + " member " + m.name + ": in the codec, not in the BTF");
      }
      if (k.offset != m.offset || k.size != m.size) {
        throw new LayoutMismatchException(
            where
                + " member "
                + m.name
                + ": codec has offset "
                + m.offset
                + " size "
                + m.size
                + ", BTF has offset "
                + k.offset
                + " size "
                + k.size);
      }
    }
    if (!kernel.isEmpty()) {
      throw new LayoutMismatchException(
          where
              + " member "
              + kernel.keySet().iterator().next()
              + ": in the BTF, not in the codec");
    }
  }
}
