package io.lineageledger.api;

import io.lineageledger.bpf.ProbeOptions;
import io.lineageledger.ingest.mlflow.MlflowConfig;
import io.lineageledger.ingest.mlflow.MlflowSource;
import io.lineageledger.platform.DatabaseSettings;
import io.lineageledger.platform.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The service's validated configuration. Sources, weakest first: built-in defaults, the YAML file
 * given with {@code --config}, then {@code LINEAGE_*} environment variables. Any invalid value
 * stops start-up with a {@link ConfigException} naming the key, its source, the value and what is
 * allowed.
 */
record Settings(
    String httpHost,
    int httpPort,
    long bodyLimitBytes,
    Duration shutdownGrace,
    Path dataDir,
    DatabaseSettings database,
    Duration accessLogFlush,
    LogSettings log,
    List<String> crossCheckDatasetPrefixes,
    List<Integer> crossCheckServingPorts,
    int graphReadThreads,
    AnchorSettings anchor,
    EvidenceSettings evidence,
    MlflowConfig mlflow) {

  /**
   * Runtime evidence (eBPF) settings.
   *
   * @param enabled whether the service tries to attach the probes
   * @param options what the probes track, validated
   */
  record EvidenceSettings(boolean enabled, ProbeOptions options) {}

  /**
   * The journal's settings.
   *
   * @param origin configured origin, or empty
   * @param signingKeyFile where the checkpoint signing key lives
   */
  record LogSettings(
      Optional<String> origin,
      Path signingKeyFile,
      int batchSize,
      Duration sequenceInterval,
      Duration checkpointInterval,
      boolean publicTiles) {}

  /**
   * Anchoring: which backend, how often, and (for Fabric) how to reach and authenticate to the
   * Gateway peer.
   *
   * @param backend {@code embedded}, {@code fabric} or {@code off}
   */
  record AnchorSettings(
      String backend,
      Duration interval,
      long everyEntries,
      Duration checkInterval,
      Optional<io.lineageledger.anchor.FabricConfig> fabric) {}

  /** Loads and validates; {@code env} is normally {@code System.getenv()}. */
  static Settings load(Optional<Path> yamlFile, Map<String, String> env) {
    return build(resolve(yamlFile, env), env);
  }

  /** Each key's winning raw value and where it came from, before validation. */
  static Map<ConfigKey, Sourced> resolve(Optional<Path> yamlFile, Map<String, String> env) {
    Map<ConfigKey, Sourced> values = new LinkedHashMap<>();
    for (ConfigKey k : ConfigKey.values()) {
      values.put(k, new Sourced(k.defaultValue, "default"));
    }
    if (yamlFile.isPresent()) {
      Path file = yamlFile.get();
      for (Map.Entry<String, String> e : readYaml(file).entrySet()) {
        ConfigKey k = ConfigKey.byKey(e.getKey());
        if (k == null) {
          throw new ConfigException(
              "config key '"
                  + e.getKey()
                  + "' in "
                  + file
                  + " is unknown; allowed keys: "
                  + String.join(", ", ConfigKey.allKeys()));
        }
        values.put(k, new Sourced(e.getValue(), file.toString()));
      }
    }
    for (ConfigKey k : ConfigKey.values()) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k, new Sourced(v, "environment " + k.envName()));
      }
    }
    return values;
  }

  /** A raw value and its origin ("default", the file, or the environment variable). */
  record Sourced(String value, String source) {}

  private static Settings build(Map<ConfigKey, Sourced> v, Map<String, String> env) {
    String host = nonEmpty(v, ConfigKey.HTTP_HOST);
    int port = (int) range(v, ConfigKey.HTTP_PORT, 0, 65535);
    long bodyLimit = range(v, ConfigKey.HTTP_BODY_LIMIT_BYTES, 1, 104_857_600);
    long grace = range(v, ConfigKey.HTTP_SHUTDOWN_GRACE_SECONDS, 0, 300);
    Path dataDir = path(v, ConfigKey.DATA_DIR, env);
    String url = v.get(ConfigKey.DB_URL).value().trim();
    if (!url.isEmpty()) {
      checkJdbcUrl(url, v.get(ConfigKey.DB_URL).source());
    }
    String user = nonEmpty(v, ConfigKey.DB_USER);
    Secret password = Secret.of(v.get(ConfigKey.DB_PASSWORD).value());
    int pool = (int) range(v, ConfigKey.DB_POOL_SIZE, 1, 200);
    int embeddedPort = (int) range(v, ConfigKey.DB_EMBEDDED_PORT, 0, 65535);
    long flush = range(v, ConfigKey.ACCESS_LOG_FLUSH_MILLIS, 10, 10_000);
    String origin = v.get(ConfigKey.LOG_ORIGIN).value().trim();
    if (!origin.isEmpty() && !origin.matches("[^\\s+]{1,255}")) {
      throw invalid(
          ConfigKey.LOG_ORIGIN,
          v.get(ConfigKey.LOG_ORIGIN).source(),
          origin,
          "1..255 characters without spaces or '+'");
    }
    String keyFile = v.get(ConfigKey.LOG_SIGNING_KEY_FILE).value().trim();
    LogSettings log =
        new LogSettings(
            origin.isEmpty() ? Optional.empty() : Optional.of(origin),
            keyFile.isEmpty()
                ? dataDir.resolve("keys").resolve("checkpoint.key")
                : path(v, ConfigKey.LOG_SIGNING_KEY_FILE, env),
            (int) range(v, ConfigKey.LOG_BATCH_SIZE, 1, 100_000),
            Duration.ofMillis(range(v, ConfigKey.LOG_SEQUENCE_INTERVAL_MILLIS, 10, 60_000)),
            Duration.ofMillis(range(v, ConfigKey.LOG_CHECKPOINT_INTERVAL_MILLIS, 0, 3_600_000)),
            bool(v, ConfigKey.LOG_PUBLIC_TILES));
    DatabaseSettings db =
        new DatabaseSettings(
            url.isEmpty() ? Optional.empty() : Optional.of(url),
            user,
            password,
            pool,
            dataDir,
            embeddedPort,
            (int) range(v, ConfigKey.DB_EMBEDDED_SHARED_BUFFERS_MB, 16, 65_536));
    return new Settings(
        host,
        port,
        bodyLimit,
        Duration.ofSeconds(grace),
        dataDir,
        db,
        Duration.ofMillis(flush),
        log,
        datasetPrefixes(v),
        servingPorts(v),
        (int) range(v, ConfigKey.GRAPH_READ_THREADS, 0, 64),
        anchorSettings(v, env),
        evidence(v),
        mlflow(v, bodyLimit, pool));
  }

  private static List<String> datasetPrefixes(Map<ConfigKey, Sourced> v) {
    Sourced s = v.get(ConfigKey.CROSS_CHECK_DATASET_PREFIXES);
    List<String> out = new java.util.ArrayList<>();
    for (String p : s.value().split(",")) {
      String t = p.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.startsWith("/")) {
        throw invalid(
            ConfigKey.CROSS_CHECK_DATASET_PREFIXES,
            s.source(),
            t,
            "comma-separated absolute paths such as /data,/datasets");
      }
      out.add(t);
    }
    return List.copyOf(out);
  }

  private static List<Integer> servingPorts(Map<ConfigKey, Sourced> v) {
    Sourced s = v.get(ConfigKey.CROSS_CHECK_SERVING_PORTS);
    List<Integer> out = new java.util.ArrayList<>();
    for (String p : s.value().split(",")) {
      String t = p.trim();
      if (t.isEmpty()) {
        continue;
      }
      int port = -1;
      if (t.matches("[0-9]{1,5}")) {
        port = Integer.parseInt(t);
      }
      if (port < 1 || port > 65535) {
        throw invalid(
            ConfigKey.CROSS_CHECK_SERVING_PORTS,
            s.source(),
            t,
            "comma-separated TCP ports 1..65535 such as 8080,8443");
      }
      out.add(port);
    }
    return List.copyOf(out);
  }

  private static AnchorSettings anchorSettings(Map<ConfigKey, Sourced> v, Map<String, String> env) {
    String backend = v.get(ConfigKey.ANCHOR_BACKEND).value().trim();
    if (!backend.equals("embedded") && !backend.equals("fabric") && !backend.equals("off")) {
      throw invalid(
          ConfigKey.ANCHOR_BACKEND,
          v.get(ConfigKey.ANCHOR_BACKEND).source(),
          backend,
          "embedded, fabric or off");
    }
    Optional<io.lineageledger.anchor.FabricConfig> fabric = Optional.empty();
    if (backend.equals("fabric")) {
      String tlsCa = v.get(ConfigKey.FABRIC_TLS_CA_FILE).value().trim();
      String override = v.get(ConfigKey.FABRIC_SERVER_NAME_OVERRIDE).value().trim();
      fabric =
          Optional.of(
              new io.lineageledger.anchor.FabricConfig(
                  nonEmpty(v, ConfigKey.FABRIC_PEER_ENDPOINT),
                  tlsCa.isEmpty()
                      ? Optional.empty()
                      : Optional.of(path(v, ConfigKey.FABRIC_TLS_CA_FILE, env)),
                  override.isEmpty() ? Optional.empty() : Optional.of(override),
                  nonEmpty(v, ConfigKey.FABRIC_MSP_ID),
                  path(v, ConfigKey.FABRIC_CERT_FILE, env),
                  path(v, ConfigKey.FABRIC_KEY_FILE, env),
                  nonEmpty(v, ConfigKey.FABRIC_CHANNEL),
                  nonEmpty(v, ConfigKey.FABRIC_CHAINCODE),
                  Duration.ofSeconds(range(v, ConfigKey.FABRIC_EVALUATE_TIMEOUT_SECONDS, 1, 300)),
                  Duration.ofSeconds(range(v, ConfigKey.FABRIC_ENDORSE_TIMEOUT_SECONDS, 1, 300)),
                  Duration.ofSeconds(range(v, ConfigKey.FABRIC_SUBMIT_TIMEOUT_SECONDS, 1, 300)),
                  Duration.ofSeconds(
                      range(v, ConfigKey.FABRIC_COMMIT_STATUS_TIMEOUT_SECONDS, 1, 600)),
                  (int) range(v, ConfigKey.FABRIC_MAX_ATTEMPTS, 1, 20),
                  Duration.ofMillis(range(v, ConfigKey.FABRIC_RETRY_BACKOFF_MILLIS, 1, 60_000))));
    }
    return new AnchorSettings(
        backend,
        Duration.ofSeconds(range(v, ConfigKey.ANCHOR_INTERVAL_SECONDS, 0, 86_400)),
        range(v, ConfigKey.ANCHOR_EVERY_ENTRIES, 1, 100_000_000),
        Duration.ofMillis(range(v, ConfigKey.ANCHOR_CHECK_MILLIS, 10, 60_000)),
        fabric);
  }

  private static EvidenceSettings evidence(Map<ConfigKey, Sourced> v) {
    long window = range(v, ConfigKey.EVIDENCE_WINDOW_SECONDS, 1, 3600);
    List<String> envNames = list(v, ConfigKey.EVIDENCE_ENV_NAMES);
    List<String> commands = list(v, ConfigKey.EVIDENCE_COMMANDS);
    ProbeOptions options = ProbeOptions.defaults().withWindow(Duration.ofSeconds(window));
    try {
      options = options.withEnvNames(envNames);
    } catch (IllegalArgumentException e) {
      throw invalid(
          ConfigKey.EVIDENCE_ENV_NAMES,
          v.get(ConfigKey.EVIDENCE_ENV_NAMES).source(),
          String.join(",", envNames),
          "at most 4 names of 1..31 of A-Z a-z 0-9 _ (" + e.getMessage() + ")");
    }
    try {
      options = options.withCommands(commands);
    } catch (IllegalArgumentException e) {
      throw invalid(
          ConfigKey.EVIDENCE_COMMANDS,
          v.get(ConfigKey.EVIDENCE_COMMANDS).source(),
          String.join(",", commands),
          "at most 256 names of 1..15 bytes (" + e.getMessage() + ")");
    }
    List<String> prefixes = list(v, ConfigKey.EVIDENCE_PATH_PREFIXES);
    try {
      options = options.withPathPrefixes(prefixes.stream().map(Path::of).toList());
    } catch (IllegalArgumentException e) {
      throw invalid(
          ConfigKey.EVIDENCE_PATH_PREFIXES,
          v.get(ConfigKey.EVIDENCE_PATH_PREFIXES).source(),
          String.join(",", prefixes),
          "at most 64 absolute, normalized directory paths (" + e.getMessage() + ")");
    }
    List<String> ports = list(v, ConfigKey.EVIDENCE_SERVER_PORTS);
    try {
      options = options.withServerPorts(ports.stream().map(Integer::valueOf).toList());
    } catch (IllegalArgumentException e) {
      // NumberFormatException is an IllegalArgumentException: "http" lands here too
      throw invalid(
          ConfigKey.EVIDENCE_SERVER_PORTS,
          v.get(ConfigKey.EVIDENCE_SERVER_PORTS).source(),
          String.join(",", ports),
          "at most 64 distinct TCP ports 1..65535 (" + e.getMessage() + ")");
    }
    return new EvidenceSettings(bool(v, ConfigKey.EVIDENCE_ENABLED), options);
  }

  private static List<String> list(Map<ConfigKey, Sourced> v, ConfigKey k) {
    return java.util.Arrays.stream(v.get(k).value().split(","))
        .map(String::trim)
        .filter(x -> !x.isEmpty())
        .toList();
  }

  private static MlflowConfig mlflow(Map<ConfigKey, Sourced> v, long httpBodyLimit, int pool) {
    Sourced sourcesValue = v.get(ConfigKey.MLFLOW_SOURCES);
    Sourced secretsValue = v.get(ConfigKey.MLFLOW_WEBHOOK_SECRETS);
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String part : secretsValue.value().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        // The value is a secret: name the position, never the text.
        throw invalid(
            ConfigKey.MLFLOW_WEBHOOK_SECRETS,
            secretsValue.source(),
            "",
            "comma-separated id=secret pairs (an entry lacks 'id=')");
      }
      secrets.put(part.substring(0, eq).trim(), part.substring(eq + 1));
    }
    java.util.List<MlflowSource> sources = new java.util.ArrayList<>();
    for (String part : sourcesValue.value().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      String id = (eq < 0 ? part : part.substring(0, eq)).trim();
      String url = eq < 0 ? "" : part.substring(eq + 1).trim();
      String secret = secrets.remove(id);
      if (secret == null || secret.isEmpty()) {
        throw invalid(
            ConfigKey.MLFLOW_SOURCES,
            sourcesValue.source(),
            sourcesValue.value(),
            "every source needs a non-empty secret in mlflow.webhookSecrets; '"
                + id
                + "' has none");
      }
      try {
        sources.add(
            new MlflowSource(
                id,
                url.isEmpty() ? Optional.empty() : Optional.of(URI.create(url)),
                Secret.of(secret)));
      } catch (IllegalArgumentException e) {
        throw invalid(
            ConfigKey.MLFLOW_SOURCES,
            sourcesValue.source(),
            sourcesValue.value(),
            "comma-separated id=url entries: " + e.getMessage());
      }
    }
    if (!secrets.isEmpty()) {
      throw invalid(
          ConfigKey.MLFLOW_WEBHOOK_SECRETS,
          secretsValue.source(),
          "",
          "secrets for sources not in mlflow.sources: " + secrets.keySet());
    }
    if (sources.stream().map(MlflowSource::id).distinct().count() != sources.size()) {
      throw invalid(
          ConfigKey.MLFLOW_SOURCES,
          sourcesValue.source(),
          sourcesValue.value(),
          "each source id at most once");
    }
    long webhookLimit = range(v, ConfigKey.MLFLOW_WEBHOOK_BODY_LIMIT_BYTES, 1, 104_857_600);
    String register = v.get(ConfigKey.MLFLOW_REGISTER_WEBHOOK_URL).value().trim();
    if (!register.isEmpty() && !register.matches("https?://\\S+")) {
      throw invalid(
          ConfigKey.MLFLOW_REGISTER_WEBHOOK_URL,
          v.get(ConfigKey.MLFLOW_REGISTER_WEBHOOK_URL).source(),
          register,
          "an http(s) URL, or empty");
    }
    int processors = (int) range(v, ConfigKey.MLFLOW_INBOX_PROCESSORS, 1, 32);
    // A processor holds its claim's connection and an alias lock's while it waits for the
    // journal's; each sync holds an alias lock's while it does. Unless the pool has a connection
    // beyond all of those held at once, they could all wait for each other.
    long syncing = sources.stream().filter(s -> s.baseUrl().isPresent()).count();
    if (!sources.isEmpty() && 2 * processors + syncing + 1 >= pool) {
      throw invalid(
          ConfigKey.MLFLOW_INBOX_PROCESSORS,
          v.get(ConfigKey.MLFLOW_INBOX_PROCESSORS).source(),
          Integer.toString(processors),
          "2 x mlflow.inboxProcessors + (sources with a URL: "
              + syncing
              + ") + 1 must stay below db.poolSize ("
              + pool
              + "); raise db.poolSize or lower mlflow.inboxProcessors");
    }
    return new MlflowConfig(
        sources,
        Duration.ofSeconds(range(v, ConfigKey.MLFLOW_WEBHOOK_TOLERANCE_SECONDS, 1, 86_400)),
        Math.min(webhookLimit, httpBodyLimit),
        Duration.ofSeconds(range(v, ConfigKey.MLFLOW_SYNC_INTERVAL_SECONDS, 0, 86_400)),
        Duration.ofMillis(range(v, ConfigKey.MLFLOW_REQUEST_TIMEOUT_MILLIS, 100, 600_000)),
        (int) range(v, ConfigKey.MLFLOW_MAX_ATTEMPTS, 1, 1000),
        Duration.ofMillis(range(v, ConfigKey.MLFLOW_INBOX_POLL_MILLIS, 10, 60_000)),
        register.isEmpty() ? Optional.empty() : Optional.of(register),
        new MlflowConfig.InboxSettings(
            (int) range(v, ConfigKey.MLFLOW_INBOX_WRITE_BATCH_MAX, 1, 10_000),
            Duration.ofMillis(range(v, ConfigKey.MLFLOW_INBOX_WRITE_LINGER_MILLIS, 0, 1000)),
            (int) range(v, ConfigKey.MLFLOW_INBOX_WRITES_IN_FLIGHT, 1, 64),
            (int) range(v, ConfigKey.MLFLOW_INBOX_MAX_QUEUED_WRITES, 1, 1_000_000),
            range(v, ConfigKey.MLFLOW_INBOX_MAX_BACKLOG, 1, 100_000_000),
            processors,
            (int) range(v, ConfigKey.MLFLOW_INBOX_PROCESS_BATCH, 1, 10_000),
            Duration.ofMillis(range(v, ConfigKey.MLFLOW_INBOX_PROCESS_QUIET_MILLIS, 0, 60_000)),
            Duration.ofSeconds(range(v, ConfigKey.MLFLOW_RETRY_AFTER_SECONDS, 1, 3600))));
  }

  private static void checkJdbcUrl(String url, String source) {
    String allowed = "expected jdbc:postgresql://host[:port]/database";
    if (!url.startsWith("jdbc:postgresql://")) {
      throw invalid(ConfigKey.DB_URL, source, redactUrl(url), allowed);
    }
    try {
      URI uri = new URI(url.substring("jdbc:".length()));
      if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
        throw invalid(ConfigKey.DB_URL, source, redactUrl(url), allowed);
      }
    } catch (java.net.URISyntaxException e) {
      throw invalid(ConfigKey.DB_URL, source, redactUrl(url), allowed + " (" + e.getReason() + ")");
    }
  }

  /** A URL's query may carry a password; a config error must not print it. */
  private static String redactUrl(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?…";
  }

  private static String nonEmpty(Map<ConfigKey, Sourced> v, ConfigKey k) {
    String s = v.get(k).value().trim();
    if (s.isEmpty()) {
      throw invalid(k, v.get(k).source(), s, "a non-empty value");
    }
    return s;
  }

  private static long range(Map<ConfigKey, Sourced> v, ConfigKey k, long min, long max) {
    Sourced s = v.get(k);
    String allowed = "an integer " + min + ".." + max;
    long n;
    try {
      n = Long.parseLong(s.value().trim());
    } catch (NumberFormatException e) {
      throw invalid(k, s.source(), s.value(), allowed);
    }
    if (n < min || n > max) {
      throw invalid(k, s.source(), s.value(), allowed);
    }
    return n;
  }

  private static boolean bool(Map<ConfigKey, Sourced> v, ConfigKey k) {
    String s = v.get(k).value().trim();
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw invalid(k, v.get(k).source(), s, "true or false");
  }

  private static Path path(Map<ConfigKey, Sourced> v, ConfigKey k, Map<String, String> env) {
    String s = nonEmpty(v, k);
    if (s.equals("~") || s.startsWith("~/")) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      s = home + s.substring(1);
    }
    try {
      return Path.of(s).toAbsolutePath().normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw invalid(k, v.get(k).source(), s, "a file-system path");
    }
  }

  private static ConfigException invalid(ConfigKey k, String source, String value, String allowed) {
    String shown = k.secret ? "(hidden)" : "'" + value + "'";
    return new ConfigException(
        "config key " + k.key + " (from " + source + ") has value " + shown + ": " + allowed);
  }

  /** Flattens nested YAML maps into dotted keys; scalars become strings. */
  private static Map<String, String> readYaml(Path file) {
    Object root;
    try (InputStream in = Files.newInputStream(file)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null) {
      return flat;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException("config file " + file + " must hold a YAML mapping at the top");
    }
    flatten("", map, flat, file);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object value = e.getValue();
      if (value instanceof Map<?, ?> nested && ConfigKey.byKey(key) == null) {
        flatten(key + ".", nested, out, file);
      } else if (value instanceof Map<?, ?> || value instanceof Iterable<?>) {
        throw new ConfigException(
            "config key '" + key + "' in " + file + " must be a scalar value");
      } else {
        out.put(key, value == null ? "" : value.toString());
      }
    }
  }
}
