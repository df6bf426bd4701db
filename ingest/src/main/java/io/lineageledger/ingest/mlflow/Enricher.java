package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.journal.AppendResult;
import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.ledger.journal.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns what one MLflow server says into journal records and the lineage rows derived from them.
 * Every fact is journaled under a {@code sourceRef} made of the entity, its id, MLflow's
 * last-update time and a digest of MLflow's answer, so the webhook path and the sync path journal
 * the same state once. Blocking; called from workers.
 */
final class Enricher {
  static final String MODEL_VERSION = "mlflow.model_version";
  static final String REGISTERED_MODEL = "mlflow.registered_model";
  static final String RUN = "mlflow.run";
  static final String DATASET_INPUT = "mlflow.dataset_input";
  static final String LOGGED_MODEL = "mlflow.logged_model";
  static final String ALIAS_SET = "mlflow.alias_set";
  static final String ALIAS_DELETED = "mlflow.alias_deleted";
  static final String EVENT = "mlflow.event";
  static final String UNKNOWN_EVENT = "mlflow.unknown_event";

  /** Event types MLflow 3.3+ documents; others are journaled as unknown events. */
  static final Set<String> KNOWN_EVENTS =
      Set.of(
          "registered_model.created",
          "model_version.created",
          "model_version_tag.set",
          "model_version_tag.deleted",
          "model_version_alias.created",
          "model_version_alias.deleted",
          "prompt.created",
          "prompt_version.created",
          "prompt_tag.set",
          "prompt_tag.deleted",
          "prompt_version_tag.set",
          "prompt_version_tag.deleted",
          "prompt_alias.created",
          "prompt_alias.deleted");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int PAYLOAD_BUDGET = 60_000;

  private final MlflowSource source;
  private final Optional<MlflowRest> rest;
  private final Journal journal;
  private final LineageStore store;
  private final Clock clock;
  private final Subjects subjects;

  Enricher(
      MlflowSource source,
      Optional<MlflowRest> rest,
      Journal journal,
      LineageStore store,
      Clock clock) {
    this.source = source;
    this.rest = rest;
    this.journal = journal;
    this.store = store;
    this.clock = clock;
    this.subjects = new Subjects(source.id());
  }

  // ---- webhook deliveries ----------------------------------------------------------------------

  /**
   * Processes one delivery. Records that need nothing from MLflow (plain events) are added to
   * {@code deferred}, for the caller to journal together with those of other deliveries in one
   * transaction (one WAL flush for a batch instead of one per delivery); the rest are journaled
   * here.
   */
  void process(String deliveryId, byte[] body, Instant receivedAt, List<Record> deferred)
      throws Exception {
    JsonNode event;
    try {
      event = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BadDeliveryException(
          "delivery " + deliveryId + " is not JSON: " + e.getMessage().split("\n")[0]);
    }
    if (event == null
        || !event.isObject()
        || !event.path("entity").isTextual()
        || !event.path("action").isTextual()) {
      throw new BadDeliveryException(
          "delivery "
              + deliveryId
              + " is not an MLflow event: expected an object with string 'entity' and 'action'");
    }
    String type = event.get("entity").asText() + "." + event.get("action").asText();
    JsonNode data = event.path("data");
    Instant at = eventTime(event, receivedAt);
    switch (type) {
      case "model_version.created", "model_version_tag.set", "model_version_tag.deleted" -> {
        if (rest.isPresent()) {
          modelVersion(text(data, "name", deliveryId), text(data, "version", deliveryId));
        } else {
          deferred.add(eventRecord(EVENT, deliveryId, type, event, body, at));
        }
      }
      case "registered_model.created" -> {
        if (rest.isPresent()) {
          registeredModel(text(data, "name", deliveryId));
        } else {
          deferred.add(eventRecord(EVENT, deliveryId, type, event, body, at));
        }
      }
      case "model_version_alias.created" ->
          aliasSet(
              text(data, "name", deliveryId),
              text(data, "alias", deliveryId),
              text(data, "version", deliveryId),
              at,
              "webhook",
              body,
              event,
              OptionalLong.empty());
      case "model_version_alias.deleted" ->
          aliasDeleted(
              text(data, "name", deliveryId),
              text(data, "alias", deliveryId),
              at,
              "webhook",
              body,
              event,
              OptionalLong.empty());
      default ->
          deferred.add(
              eventRecord(
                  KNOWN_EVENTS.contains(type) ? EVENT : UNKNOWN_EVENT,
                  deliveryId,
                  type,
                  event,
                  body,
                  at));
    }
  }

  private static String text(JsonNode data, String field, String deliveryId)
      throws BadDeliveryException {
    JsonNode n = data.get(field);
    if (n == null || !(n.isTextual() || n.isIntegralNumber()) || n.asText().isEmpty()) {
      throw new BadDeliveryException(
          "delivery " + deliveryId + " lacks data." + field + " (a non-empty string)");
    }
    return n.asText();
  }

  private static Instant eventTime(JsonNode event, Instant fallback) {
    JsonNode ts = event.get("timestamp");
    if (ts != null && ts.isTextual()) {
      try {
        return OffsetDateTime.parse(ts.asText()).toInstant();
      } catch (DateTimeParseException ignored) {
        // MLflow documents ISO 8601; anything else falls back to when the delivery arrived.
      }
    }
    return fallback;
  }

  private Record eventRecord(
      String kind, String deliveryId, String type, JsonNode event, byte[] body, Instant at) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("server", source.id());
    p.put("deliveryId", deliveryId);
    p.put("type", type);
    p.set("event", event);
    List<String> subj = new ArrayList<>();
    JsonNode name = event.path("data").path("name");
    if (name.isTextual() && type.startsWith("registered_model")
        || name.isTextual() && type.startsWith("model_version")) {
      subj.add(subjects.registeredModel(name.asText()));
    }
    ObjectNode minimal = p.deepCopy();
    minimal.remove("event");
    minimal.put("truncated", "the event exceeds the record size; see raw");
    return record(kind, "deliveries/" + deliveryId, at, subj, p, body, minimal);
  }

  // ---- facts fetched from MLflow ---------------------------------------------------------------

  /**
   * Journals a model version and what it links to: its run (with dataset inputs), its logged model
   * (MLflow 3) and its registered model.
   */
  void modelVersion(String name, String version) throws MlflowException, SQLException {
    MlflowRest api = rest.orElseThrow();
    MlflowRest.Answer mvAnswer = api.getModelVersion(name, version);
    JsonNode mv = mvAnswer.json().get("model_version");
    String runId = mv.path("run_id").asText("");
    Optional<String> modelId = modelId(mv);

    List<Record> records = new ArrayList<>();
    List<PendingLink> links = new ArrayList<>();
    String mvSubject = subjects.modelVersion(name, version);
    String rmSubject = subjects.registeredModel(name);

    List<String> mvSubjects = new ArrayList<>(List.of(mvSubject, rmSubject));
    if (!runId.isEmpty()) {
      mvSubjects.add(subjects.run(runId));
    }
    modelId.ifPresent(id -> mvSubjects.add(subjects.loggedModel(id)));
    ObjectNode mvPayload = MAPPER.createObjectNode();
    mvPayload.put("server", source.id());
    mvPayload.put("name", name);
    mvPayload.put("version", version);
    mvPayload.put("run_id", runId);
    mvPayload.put("source", mv.path("source").asText(""));
    modelId.ifPresentOrElse(
        id -> mvPayload.put("model_id", id), () -> mvPayload.putNull("model_id"));
    copy(mv, mvPayload, "status", "current_stage", "description", "creation_timestamp");
    copy(mv, mvPayload, "last_updated_timestamp");
    mvPayload.set("tags", keyValues(mv.path("tags")));
    mvPayload.set(
        "aliases", mv.path("aliases").isArray() ? mv.get("aliases") : MAPPER.createArrayNode());
    long mvUpdated = mv.path("last_updated_timestamp").asLong(0);
    records.add(
        record(
            MODEL_VERSION,
            "model-versions/"
                + Subjects.seg(name)
                + "/"
                + Subjects.seg(version)
                + "@"
                + mvUpdated
                + "#"
                + digest(mvAnswer.raw()),
            millis(mvUpdated),
            mvSubjects,
            mvPayload,
            mvAnswer.raw(),
            null));
    int mvIndex = 0;
    links.add(new PendingLink(mvSubject, "version_of", rmSubject, mvIndex));
    if (!runId.isEmpty()) {
      links.add(new PendingLink(subjects.run(runId), "produced", mvSubject, mvIndex));
    }
    modelId.ifPresent(
        id ->
            links.add(
                new PendingLink(subjects.loggedModel(id), "registered_as", mvSubject, mvIndex)));

    if (!runId.isEmpty()) {
      runRecords(api.getRun(runId), records, links);
    }
    if (modelId.isPresent()) {
      try {
        loggedModelRecord(api.getLoggedModel(modelId.get()), records, links);
      } catch (MlflowException e) {
        // An MLflow 2 server has no logged models; the version's source still names the model.
        if (e.kind != MlflowException.Kind.NOT_FOUND) {
          throw e;
        }
      }
    }
    registeredModelRecord(api.getRegisteredModel(name), records);
    commit(records, links);
  }

  void registeredModel(String name) throws MlflowException, SQLException {
    List<Record> records = new ArrayList<>();
    registeredModelRecord(rest.orElseThrow().getRegisteredModel(name), records);
    commit(records, List.of());
  }

  private static Optional<String> modelId(JsonNode mv) {
    String id = mv.path("model_id").asText("");
    if (!id.isEmpty()) {
      return Optional.of(id);
    }
    String src = mv.path("source").asText("");
    // MLflow 3 registers logged models as models:/<model id>; older sources are artifact paths.
    if (src.startsWith("models:/m-") && src.indexOf('/', "models:/".length()) < 0) {
      return Optional.of(src.substring("models:/".length()));
    }
    return Optional.empty();
  }

  private void runRecords(MlflowRest.Answer answer, List<Record> records, List<PendingLink> links) {
    JsonNode run = answer.json().get("run");
    JsonNode info = run.path("info");
    String runId = info.path("run_id").asText(info.path("run_uuid").asText(""));
    String experimentId = info.path("experiment_id").asText("");
    String runSubject = subjects.run(runId);
    long end = info.path("end_time").asLong(0);
    long start = info.path("start_time").asLong(0);

    ObjectNode p = MAPPER.createObjectNode();
    p.put("server", source.id());
    p.put("run_id", runId);
    p.put("experiment_id", experimentId);
    copy(info, p, "run_name", "status", "user_id", "start_time", "end_time");
    copy(info, p, "lifecycle_stage", "artifact_uri");
    p.set("params", keyValues(run.path("data").path("params")));
    ObjectNode metrics = p.putObject("metrics");
    for (JsonNode m : run.path("data").path("metrics")) {
      ObjectNode v = metrics.putObject(m.path("key").asText());
      copy(m, v, "value", "step", "timestamp");
    }
    p.set("tags", keyValues(run.path("data").path("tags")));
    ArrayNode inputs = p.putArray("dataset_inputs");
    List<String> runSubjects = new ArrayList<>(List.of(runSubject));
    if (!experimentId.isEmpty()) {
      runSubjects.add(subjects.experiment(experimentId));
    }
    List<ObjectNode> datasets = new ArrayList<>();
    for (JsonNode in : run.path("inputs").path("dataset_inputs")) {
      JsonNode ds = in.path("dataset");
      ObjectNode d = inputs.addObject();
      copy(ds, d, "name", "digest", "source_type", "source");
      ObjectNode tags = keyValues(in.path("tags"));
      d.set(
          "context",
          tags.path("mlflow.data.context").isTextual() ? tags.get("mlflow.data.context") : null);
      runSubjects.add(subjects.dataset(ds.path("name").asText(""), ds.path("digest").asText("")));
      ObjectNode full = d.deepCopy();
      copy(ds, full, "schema", "profile");
      full.set("tags", tags);
      datasets.add(full);
    }
    ArrayNode outputs = p.putArray("model_outputs");
    for (JsonNode out : run.path("outputs").path("model_outputs")) {
      ObjectNode o = outputs.addObject();
      copy(out, o, "model_id", "step");
      String id = out.path("model_id").asText("");
      if (!id.isEmpty()) {
        runSubjects.add(subjects.loggedModel(id));
      }
    }
    int runIndex = records.size();
    ObjectNode minimal = p.deepCopy();
    minimal.put("truncated", "params, metrics and tags exceed the record size; see raw");
    minimal.remove(List.of("params", "metrics", "tags"));
    long observed = end > 0 ? end : start;
    records.add(
        record(
            RUN,
            "runs/" + Subjects.seg(runId) + "@" + observed + "#" + digest(answer.raw()),
            millis(observed),
            new ArrayList<>(new LinkedHashSet<>(runSubjects)),
            p,
            answer.raw(),
            minimal));
    if (!experimentId.isEmpty()) {
      links.add(
          new PendingLink(
              runSubject, "in_experiment", subjects.experiment(experimentId), runIndex));
    }
    for (JsonNode out : run.path("outputs").path("model_outputs")) {
      String id = out.path("model_id").asText("");
      if (!id.isEmpty()) {
        links.add(new PendingLink(runSubject, "logged", subjects.loggedModel(id), runIndex));
      }
    }
    for (ObjectNode d : datasets) {
      String dsSubject = subjects.dataset(d.path("name").asText(""), d.path("digest").asText(""));
      ObjectNode dp = MAPPER.createObjectNode();
      dp.put("server", source.id());
      dp.put("run_id", runId);
      dp.setAll(d);
      String ctx = d.path("context").asText("");
      int index = records.size();
      records.add(
          record(
              DATASET_INPUT,
              "runs/"
                  + Subjects.seg(runId)
                  + "/dataset-inputs/"
                  + Subjects.seg(d.path("name").asText(""))
                  + "@"
                  + Subjects.seg(d.path("digest").asText(""))
                  + (ctx.isEmpty() ? "" : "/" + Subjects.seg(ctx)),
              millis(observed),
              List.of(dsSubject, runSubject),
              dp,
              null,
              null));
      links.add(new PendingLink(dsSubject, "input_to", runSubject, index));
    }
  }

  private void loggedModelRecord(
      MlflowRest.Answer answer, List<Record> records, List<PendingLink> links) {
    JsonNode model = answer.json().path("model");
    JsonNode info = model.path("info");
    String id = info.path("model_id").asText("");
    String runId = info.path("source_run_id").asText("");
    String experimentId = info.path("experiment_id").asText("");
    ObjectNode p = MAPPER.createObjectNode();
    p.put("server", source.id());
    p.put("model_id", id);
    copy(info, p, "experiment_id", "name", "source_run_id", "status", "model_type");
    copy(info, p, "artifact_uri", "creation_timestamp_ms", "last_updated_timestamp_ms");
    p.set("tags", keyValues(info.path("tags")));
    p.set("params", keyValues(model.path("data").path("params")));
    List<String> subj = new ArrayList<>(List.of(subjects.loggedModel(id)));
    if (!runId.isEmpty()) {
      subj.add(subjects.run(runId));
    }
    if (!experimentId.isEmpty()) {
      subj.add(subjects.experiment(experimentId));
    }
    long updated = info.path("last_updated_timestamp_ms").asLong(0);
    int index = records.size();
    records.add(
        record(
            LOGGED_MODEL,
            "logged-models/" + Subjects.seg(id) + "@" + updated + "#" + digest(answer.raw()),
            millis(updated),
            subj,
            p,
            answer.raw(),
            null));
    if (!runId.isEmpty()) {
      links.add(new PendingLink(subjects.run(runId), "logged", subjects.loggedModel(id), index));
    }
  }

  private void registeredModelRecord(MlflowRest.Answer answer, List<Record> records) {
    JsonNode rm = answer.json().get("registered_model");
    String name = rm.path("name").asText("");
    ObjectNode p = MAPPER.createObjectNode();
    p.put("server", source.id());
    p.put("name", name);
    copy(rm, p, "creation_timestamp", "last_updated_timestamp", "description");
    p.set("tags", keyValues(rm.path("tags")));
    ObjectNode aliases = p.putObject("aliases");
    for (JsonNode a : rm.path("aliases")) {
      aliases.put(a.path("alias").asText(), a.path("version").asText());
    }
    long updated = rm.path("last_updated_timestamp").asLong(0);
    records.add(
        record(
            REGISTERED_MODEL,
            "registered-models/" + Subjects.seg(name) + "@" + updated + "#" + digest(answer.raw()),
            millis(updated),
            List.of(subjects.registeredModel(name)),
            p,
            answer.raw(),
            null));
  }

  // ---- aliases ---------------------------------------------------------------------------------

  /**
   * Records that {@code alias} points at {@code version} from {@code at}, unless the history
   * already says so (a webhook and the sync seeing the same state journal it once).
   *
   * @param basedOn for a sync observation: the id of the alias's latest history row when the
   *     listing was read (0 = none); if the history moved since, the observation is stale and is
   *     not recorded (the next round looks again). Empty for a webhook event, which is instead not
   *     recorded when older than a change a webhook already reported.
   * @return whether a change was journaled
   */
  boolean aliasSet(
      String name,
      String alias,
      String version,
      Instant at,
      String via,
      byte[] raw,
      JsonNode evidence,
      OptionalLong basedOn)
      throws Exception {
    return aliasChange(name, alias, Optional.of(version), at, via, raw, evidence, basedOn);
  }

  /**
   * Records that {@code alias} was removed, unless the history already has it unset; {@code
   * basedOn} as for {@link #aliasSet}.
   */
  boolean aliasDeleted(
      String name,
      String alias,
      Instant at,
      String via,
      byte[] raw,
      JsonNode evidence,
      OptionalLong basedOn)
      throws Exception {
    return aliasChange(name, alias, Optional.empty(), at, via, raw, evidence, basedOn);
  }

  /**
   * An alias set to {@code version}, or removed when it is empty: one record, one history row. The
   * decision and the row are made under the alias's lock, against the history as it is then.
   */
  private boolean aliasChange(
      String name,
      String alias,
      Optional<String> version,
      Instant at,
      String via,
      byte[] raw,
      JsonNode evidence,
      OptionalLong basedOn)
      throws Exception {
    return store.underAliasLock(
        source.id(),
        name,
        alias,
        c -> {
          LineageStore.AliasState state = store.aliasState(c, source.id(), name, alias);
          if (basedOn.isPresent() && basedOn.getAsLong() != state.headId()) {
            // The sync's listing predates a change recorded since (a webhook processed while the
            // round ran): acting on it would undo that change and re-do it next round.
            return false;
          }
          if (basedOn.isEmpty() && state.lastWebhookAt().filter(at::isBefore).isPresent()) {
            // A webhook older than one already applied (out-of-order delivery, a retry, or
            // concurrent processors): the newer event describes the alias's state after it.
            return false;
          }
          boolean unchanged =
              version.isPresent()
                  ? state.version().equals(version)
                  : state.known() && state.version().isEmpty();
          if (unchanged) {
            return false;
          }
          ObjectNode p = MAPPER.createObjectNode();
          p.put("server", source.id());
          p.put("name", name);
          p.put("alias", alias);
          version.ifPresent(v -> p.put("version", v));
          state
              .version()
              .ifPresentOrElse(
                  v -> p.put("previous_version", v), () -> p.putNull("previous_version"));
          p.put("via", via);
          p.set("evidence", evidence);
          List<String> subj =
              new ArrayList<>(List.of(subjects.alias(name, alias), subjects.registeredModel(name)));
          // The alias is downstream of the version that carries it (graph's alias history); a
          // removal is stated by the model.
          p.putArray("links")
              .add(
                  version.isPresent()
                      ? link(
                          subjects.modelVersion(name, version.get()),
                          "carries-alias",
                          subjects.alias(name, alias))
                      : link(
                          subjects.registeredModel(name),
                          "alias-removed",
                          subjects.alias(name, alias)));
          version.or(state::version).ifPresent(v -> subj.add(subjects.modelVersion(name, v)));
          Record r =
              record(
                  version.isPresent() ? ALIAS_SET : ALIAS_DELETED,
                  "registered-models/"
                      + Subjects.seg(name)
                      + "/aliases/"
                      + Subjects.seg(alias)
                      + version.map(v -> "@" + Subjects.seg(v)).orElse("@deleted")
                      + "/"
                      + at.toEpochMilli(),
                  at,
                  subj,
                  p,
                  raw,
                  null);
          long seq = append(List.of(r)).get(0).id();
          store.aliasEvent(c, source.id(), name, alias, version.orElse(null), at, via, seq);
          return true;
        });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * The records with the links each one states in {@code payload.links} ({@code [{from, rel,
   * to}]}), so the lineage graph is built from the journal alone (graph's {@code
   * Extractors.declaredLinks}).
   */
  private static List<Record> withLinks(List<Record> records, List<PendingLink> links) {
    List<Record> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      Record r = records.get(i);
      int index = i;
      List<PendingLink> own = links.stream().filter(l -> l.recordIndex() == index).toList();
      if (own.isEmpty()) {
        out.add(r);
        continue;
      }
      ObjectNode payload = (ObjectNode) r.payload();
      ArrayNode arr = payload.putArray("links");
      for (PendingLink l : own) {
        arr.addObject().put("from", l.from()).put("rel", l.relation()).put("to", l.to());
      }
      out.add(
          new Record(
              r.v(),
              r.source(),
              r.kind(),
              r.sourceRef(),
              r.observedAt(),
              r.subjects(),
              payload,
              r.raw()));
    }
    return out;
  }

  private static ObjectNode link(String from, String rel, String to) {
    return MAPPER.createObjectNode().put("from", from).put("rel", rel).put("to", to);
  }

  /** A link whose record id is known once the batch is journaled. */
  private record PendingLink(String from, String relation, String to, int recordIndex) {}

  private void commit(List<Record> records, List<PendingLink> links) throws SQLException {
    records = withLinks(records, links);
    List<AppendResult> results = append(records);
    List<LineageStore.Link> rows = new ArrayList<>();
    for (PendingLink l : links) {
      rows.add(
          new LineageStore.Link(l.from(), l.relation(), l.to(), results.get(l.recordIndex()).id()));
    }
    store.link(rows);
  }

  /** Journals records collected by {@link #process}; a conflict fails the whole batch. */
  List<AppendResult> append(List<Record> records) throws SQLException {
    List<AppendResult> results = journal.appendAll(records);
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).status() == AppendResult.Status.CONFLICT) {
        // Cannot happen while sourceRefs carry the answer's digest; say so loudly if it does.
        throw new IllegalStateException(
            "journal refused "
                + records.get(i)
                + ": a different record holds its sourceRef (record "
                + results.get(i).id()
                + ")");
      }
    }
    return results;
  }

  private Record record(
      String kind,
      String ref,
      Instant observedAt,
      List<String> subj,
      ObjectNode payload,
      byte[] raw,
      ObjectNode minimal) {
    Record r =
        new Record(
            Record.VERSION, source.journalSource(), kind, ref, observedAt, subj, payload, raw);
    if (minimal != null && r.canonicalBytes().length > PAYLOAD_BUDGET) {
      r =
          new Record(
              Record.VERSION, source.journalSource(), kind, ref, observedAt, subj, minimal, raw);
    }
    return r;
  }

  private Instant millis(long ms) {
    return ms > 0 ? Instant.ofEpochMilli(ms) : clock.instant();
  }

  private static void copy(JsonNode from, ObjectNode to, String... fields) {
    for (String f : fields) {
      JsonNode v = from.get(f);
      if (v != null) {
        to.set(f, v);
      }
    }
  }

  private static ObjectNode keyValues(JsonNode array) {
    ObjectNode o = MAPPER.createObjectNode();
    if (array.isArray()) {
      for (JsonNode kv : array) {
        o.set(kv.path("key").asText(), kv.path("value"));
      }
    } else if (array.isObject()) {
      array
          .fields()
          .forEachRemaining((Map.Entry<String, JsonNode> e) -> o.set(e.getKey(), e.getValue()));
    }
    return o;
  }

  static String digest(byte[] raw) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(raw))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
