package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
        aliasChanges += reconcileAliases(name, now);
      }
      token = nextToken(page.json());
    } while (token != null);
    for (String name : store.modelsWithOpenAliases(source.id())) {
      if (!seenModels.contains(name)) {
        aliasChanges += reconcileAliases(name, Map.of());
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

  private int reconcileAliases(String model, Map<String, String> current) throws Exception {
    int changes = 0;
    Instant at = clock.instant();
    Map<String, String> known = store.openAliases(source.id(), model);
    for (Map.Entry<String, String> a : current.entrySet()) {
      if (!a.getValue().equals(known.get(a.getKey()))) {
        MlflowRest.Answer answer = rest.getAlias(model, a.getKey());
        String version = answer.json().path("model_version").path("version").asText(a.getValue());
        if (enricher.aliasSet(
            model, a.getKey(), version, at, "sync", answer.raw(), answer.json())) {
          changes++;
        }
      }
    }
    for (String alias : known.keySet()) {
      if (!current.containsKey(alias)) {
        var evidence =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("observed", "alias absent from registered-models/search")
                .put("model", model);
        if (enricher.aliasDeleted(model, alias, at, "sync", null, evidence)) {
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
