package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental sync of one MLflow server, for backfill, servers without webhooks and dropped
 * deliveries. Model versions are listed newest change first and taken down to the persisted cursor
 * (minus an overlap, since MLflow timestamps are milliseconds and several changes can share one);
 * registered models are listed in full each round because alias changes need not move their
 * last-update time. What was already journaled is not journaled again (see {@link Enricher}).
 * Blocking.
 */
final class MlflowSync {
  private static final Logger log = LoggerFactory.getLogger(MlflowSync.class);
  static final long OVERLAP_MILLIS = 5_000;

  private final MlflowSource source;
  private final MlflowRest rest;
  private final Enricher enricher;
  private final LineageStore store;
  private final Clock clock;
  private final int pageSize;

  MlflowSync(
      MlflowSource source,
      MlflowRest rest,
      Enricher enricher,
      LineageStore store,
      Clock clock,
      int pageSize) {
    this.source = source;
    this.rest = rest;
    this.enricher = enricher;
    this.store = store;
    this.clock = clock;
    this.pageSize = pageSize;
  }

  /** What one round did. */
  record Round(int modelVersions, int registeredModels, int aliasChanges) {}

  Round runOnce() throws Exception {
    LineageStore.Cursors cursors = store.cursors(source.id());
    int rms = 0;
    int aliasChanges = 0;
    long rmCursor = cursors.registeredModels();
    Set<String> seenModels = new HashSet<>();
    String token = null;
    // The alias history as it stood before MLflow was asked, and when it was asked: a listing
    // shows MLflow's state at some moment after that, and a change recorded meanwhile (by a
    // webhook) must not be undone by it (see Enricher.aliasSet's basedOn).
    Instant startedAt = clock.instant();
    Map<String, Map<String, LineageStore.AliasHead>> startHeads = store.aliasHeads(source.id());
    Map<String, Map<String, LineageStore.AliasHead>> heads = startHeads;
    Instant observedAt = startedAt;
    do {
      MlflowRest.Answer page = rest.searchRegisteredModels(pageSize, token);
      for (JsonNode rm : page.json().path("registered_models")) {
        String name = rm.path("name").asText("");
        if (name.isEmpty()) {
          continue;
        }
        seenModels.add(name);
        long updated = rm.path("last_updated_timestamp").asLong(0);
        if (updated >= cursors.registeredModels() - OVERLAP_MILLIS) {
          enricher.registeredModel(name);
          rms++;
        }
        rmCursor = Math.max(rmCursor, updated);
        Map<String, String> now = new LinkedHashMap<>();
        for (JsonNode a : rm.path("aliases")) {
          now.put(a.path("alias").asText(), a.path("version").asText());
        }
        aliasChanges += reconcileAliases(name, now, heads.getOrDefault(name, Map.of()), observedAt);
      }
      token = nextToken(page.json());
      if (token != null) {
        observedAt = clock.instant();
        heads = store.aliasHeads(source.id());
      }
    } while (token != null);
    // Models with aliases on record that no page listed are gone from MLflow; only those on record
    // before the listing began (a model aliased meanwhile may simply have been listed too early).
    for (Map.Entry<String, Map<String, LineageStore.AliasHead>> m : startHeads.entrySet()) {
      if (!seenModels.contains(m.getKey())) {
        aliasChanges += reconcileAliases(m.getKey(), Map.of(), m.getValue(), startedAt);
      }
    }

    int mvs = 0;
    long mvCursor = cursors.modelVersions();
    long floor = cursors.modelVersions() - OVERLAP_MILLIS;
    String mvToken = null;
    boolean more = true;
    while (more) {
      MlflowRest.VersionPage page = rest.searchModelVersions(pageSize, mvToken);
      for (MlflowRest.VersionRef v : page.items()) {
        if (v.lastUpdated() < floor) {
          more = false;
          break;
        }
        enricher.modelVersion(v.name(), v.version());
        mvCursor = Math.max(mvCursor, v.lastUpdated());
        mvs++;
      }
      mvToken = page.nextPageToken().orElse(null);
      more = more && mvToken != null;
    }
    store.syncSucceeded(source.id(), mvCursor, rmCursor, clock.instant());
    if (mvs + rms + aliasChanges > 0) {
      log.info(
          "MLflow sync of '{}': {} model versions, {} registered models, {} alias changes",
          source.id(),
          mvs,
          rms,
          aliasChanges);
    }
    return new Round(mvs, rms, aliasChanges);
  }

  /**
   * Brings the alias history of {@code model} in line with {@code current} (from a listing asked
   * for at {@code at}), each change conditional on the alias's history still being at {@code heads}
   * (read before the listing).
   */
  private int reconcileAliases(
      String model,
      Map<String, String> current,
      Map<String, LineageStore.AliasHead> heads,
      Instant at)
      throws Exception {
    int changes = 0;
    for (Map.Entry<String, String> a : current.entrySet()) {
      LineageStore.AliasHead head = heads.get(a.getKey());
      if (head == null || !a.getValue().equals(head.version())) {
        MlflowRest.Answer answer = rest.getAlias(model, a.getKey());
        String version = answer.json().path("model_version").path("version").asText(a.getValue());
        if (enricher.aliasSet(
            model,
            a.getKey(),
            version,
            at,
            "sync",
            answer.raw(),
            answer.json(),
            OptionalLong.of(head == null ? 0 : head.id()))) {
          changes++;
        }
      }
    }
    for (Map.Entry<String, LineageStore.AliasHead> h : heads.entrySet()) {
      String alias = h.getKey();
      if (h.getValue().version() != null && !current.containsKey(alias)) {
        var evidence =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("observed", "alias absent from registered-models/search")
                .put("model", model);
        if (enricher.aliasDeleted(
            model, alias, at, "sync", null, evidence, OptionalLong.of(h.getValue().id()))) {
          changes++;
        }
      }
    }
    return changes;
  }

  private static String nextToken(JsonNode page) {
    String t = page.path("next_page_token").asText("");
    return t.isEmpty() ? null : t;
  }
}
