package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.canonical.Canonicalizer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One immutable fact, as a source stated it. Its canonical bytes (RFC 8785 of {@code {v, source,
 * kind, sourceRef, observedAt, subjects, payload[, raw]}}) are the Merkle leaf; when the source
 * sent bytes ({@code raw}), they are kept as received and only their SHA-256 and size enter the
 * canonical form. {@code (source, sourceRef)} identifies the fact: appending it again is a no-op.
 *
 * @param v record format version, currently 1
 * @param source where the fact came from, e.g. {@code mlflow:prod}; 1..64 of a-z 0-9 . _ : -
 * @param kind what the fact is, e.g. {@code mlflow.model_version.created}; 1..64 of a-z 0-9 . _ -
 * @param sourceRef the source's idempotency key for the fact, 1..512 characters
 * @param observedAt when the source observed the fact
 * @param subjects what the fact is about (URIs or ids), at most 1000, each 1..1024 characters
 * @param payload the fact itself, a JSON object; numbers beyond ±2^53 belong in strings (RFC 8785)
 * @param raw the source's bytes as received, or null
 */
public record Record(
    int v,
    String source,
    String kind,
    String sourceRef,
    Instant observedAt,
    List<String> subjects,
    JsonNode payload,
    byte[] raw) {

  public static final int VERSION = 1;
  private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
  private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public Record {
    if (v != VERSION) {
      throw new IllegalArgumentException(
          "record version " + v + " is not allowed: expected " + VERSION);
    }
    require(source, SOURCE, "source", "1..64 of a-z 0-9 . _ : - starting with a letter or digit");
    require(kind, KIND, "kind", "1..64 of a-z 0-9 . _ - starting with a letter or digit");
    if (sourceRef == null || sourceRef.isEmpty() || sourceRef.length() > 512) {
      throw new IllegalArgumentException(
          "sourceRef '" + sourceRef + "' is not allowed: expected 1..512 characters");
    }
    Objects.requireNonNull(observedAt, "observedAt");
    subjects = List.copyOf(Objects.requireNonNull(subjects, "subjects"));
    if (subjects.size() > 1000) {
      throw new IllegalArgumentException(subjects.size() + " subjects is too many: at most 1000");
    }
    for (String s : subjects) {
      if (s.isEmpty() || s.length() > 1024) {
        throw new IllegalArgumentException(
            "subject '" + s + "' is not allowed: expected 1..1024 characters");
      }
    }
    if (payload == null || !payload.isObject()) {
      throw new IllegalArgumentException(
          "payload must be a JSON object, not "
              + (payload == null ? "null" : payload.getNodeType()));
    }
    payload = payload.deepCopy();
    raw = raw == null ? null : raw.clone();
  }

  /** A version-1 record without raw bytes. */
  public static Record of(
      String source,
      String kind,
      String sourceRef,
      Instant observedAt,
      List<String> subjects,
      JsonNode payload) {
    return new Record(VERSION, source, kind, sourceRef, observedAt, subjects, payload, null);
  }

  private static void require(String value, Pattern p, String field, String allowed) {
    if (value == null || !p.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " '" + value + "' is not allowed: expected " + allowed);
    }
  }

  @Override
  public byte[] raw() {
    return raw == null ? null : raw.clone();
  }

  @Override
  public JsonNode payload() {
    return payload.deepCopy();
  }

  /** The JSON document whose RFC 8785 form is the leaf. */
  public ObjectNode document() {
    return document(payload.deepCopy());
  }

  private ObjectNode document(JsonNode payloadNode) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("v", v);
    doc.put("source", source);
    doc.put("kind", kind);
    doc.put("sourceRef", sourceRef);
    doc.put("observedAt", observedAt.toString());
    ArrayNode subj = doc.putArray("subjects");
    subjects.forEach(subj::add);
    doc.set("payload", payloadNode);
    if (raw != null) {
      doc.putObject("raw").put("sha256", sha256Hex(raw)).put("size", raw.length);
    }
    return doc;
  }

  /** RFC 8785 canonical bytes: what is hashed into the log. */
  public byte[] canonicalBytes() {
    // The document only lives for this call, so it may share the (never mutated) payload.
    return Canonicalizer.rfc8785().canonicalize(document(payload));
  }

  /** Rebuilds a record from its canonical document (and raw bytes, if it had them). */
  public static Record fromDocument(JsonNode doc, byte[] raw) {
    List<String> subjects = new java.util.ArrayList<>();
    doc.path("subjects").forEach(n -> subjects.add(n.asText()));
    return new Record(
        doc.path("v").asInt(),
        doc.path("source").asText(null),
        doc.path("kind").asText(null),
        doc.path("sourceRef").asText(null),
        Instant.parse(doc.path("observedAt").asText()),
        subjects,
        doc.get("payload"),
        raw);
  }

  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r && java.util.Arrays.equals(canonicalBytes(), r.canonicalBytes());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(canonicalBytes());
  }

  @Override
  public String toString() {
    return "Record[" + source + " " + kind + " " + sourceRef + "]";
  }
}
