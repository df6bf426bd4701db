package io.lineageledger.api;

import io.lineageledger.platform.DatabaseSettings;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key the service reads: its default, what is allowed and what it means. The
 * README's configuration table is this list; a test keeps them in step.
 */
enum ConfigKey {
  HTTP_HOST("http.host", "127.0.0.1", "address to listen on", false),
  HTTP_PORT("http.port", "8080", "TCP port, 0..65535 (0 = any free port)", false),
  HTTP_BODY_LIMIT_BYTES(
      "http.bodyLimitBytes",
      "1048576",
      "largest accepted request body in bytes, 1..104857600; larger gets 413",
      false),
  HTTP_SHUTDOWN_GRACE_SECONDS(
      "http.shutdownGraceSeconds",
      "10",
      "how long in-flight requests may finish on SIGTERM, 0..300",
      false),
  DATA_DIR(
      "data.dir",
      "~/.lineage-ledger",
      "data directory: embedded PostgreSQL data, signing keys; created if missing",
      false),
  DB_URL(
      "db.url",
      "",
      "external PostgreSQL as jdbc:postgresql://host[:port]/database; empty = embedded PostgreSQL 17 under data.dir",
      false),
  DB_USER(
      "db.user",
      "postgres",
      "role that owns the schema and applies migrations (external db only)",
      false),
  DB_PASSWORD("db.password", "", "password of db.user (never logged)", true),
  DB_POOL_SIZE("db.poolSize", "8", "maximum pooled connections, 1..200", false),
  DB_EMBEDDED_PORT(
      "db.embedded.port", "0", "port of the embedded PostgreSQL, 0 = any free port", false),
  DB_EMBEDDED_SHARED_BUFFERS_MB(
      "db.embedded.sharedBuffersMb",
      Integer.toString(DatabaseSettings.DEFAULT_EMBEDDED_SHARED_BUFFERS_MB),
      "shared_buffers of the embedded PostgreSQL (its page cache; reserved, touched as used), 16..65536 MB; ignored with db.url",
      false),
  LOG_ORIGIN(
      "log.origin",
      "",
      "the log's origin (checkpoint first line, key name); empty = the signing key's, or generated on first start",
      false),
  LOG_SIGNING_KEY_FILE(
      "log.signingKeyFile",
      "",
      "checkpoint signing key (note signer key, mode 0600); empty = <data.dir>/keys/checkpoint.key, generated on first start",
      false),
  LOG_BATCH_SIZE(
      "log.batchSize", "10000", "most records one sequencing transaction takes, 1..100000", false),
  LOG_SEQUENCE_INTERVAL_MILLIS(
      "log.sequenceIntervalMillis",
      "100",
      "how often waiting records are sequenced, 10..60000 ms",
      false),
  LOG_CHECKPOINT_INTERVAL_MILLIS(
      "log.checkpointIntervalMillis",
      "1000",
      "least time between two signed checkpoints, 0..3600000 ms",
      false),
  LOG_PUBLIC_TILES(
      "log.publicTiles",
      "false",
      "serve /log/ (checkpoint and tiles) without an API key, for tlog clients and witnesses: true or false",
      false),
  CROSS_CHECK_DATASET_PREFIXES(
      "crossCheck.datasetPrefixes",
      "/data,/datasets",
      "paths under which a file a run read but did not declare is reported as observed-not-declared,"
          + " comma-separated absolute paths",
      false),
  GRAPH_READ_THREADS(
      "graph.readThreads",
      "2",
      "threads that read half of a large lineage read (a traversal level, a page's nodes or citations) on a second pooled connection while the query's own connection reads the other half, 0..64; 0 = one connection per query",
      false),
  CROSS_CHECK_SERVING_PORTS(
      "crossCheck.servingPorts",
      "",
      "local TCP ports on which a process that loaded a model version's artifact serves it,"
          + " comma-separated 1..65535; empty = every TCP flow of such a process counts as served",
      false),
  ACCESS_LOG_FLUSH_MILLIS(
      "accessLog.flushMillis",
      "200",
      "how often buffered access-log rows are written, 10..10000 ms",
      false),
  // Anchoring (issue 4).
  ANCHOR_BACKEND(
      "anchor.backend",
      "embedded",
      "where checkpoints are anchored: embedded (in this service's database; tamper-evident, not independent), fabric, or off",
      false),
  ANCHOR_INTERVAL_SECONDS(
      "anchor.intervalSeconds",
      "10",
      "anchor the newest checkpoint at least this often while the log grows, 0..86400 s",
      false),
  ANCHOR_EVERY_ENTRIES(
      "anchor.everyEntries",
      "10000",
      "or as soon as this many entries were added since the last anchor, 1..100000000",
      false),
  ANCHOR_CHECK_MILLIS(
      "anchor.checkMillis",
      "250",
      "how often the anchorer checks whether an anchor is due, 10..60000 ms",
      false),
  FABRIC_PEER_ENDPOINT(
      "fabric.peerEndpoint", "", "Fabric Gateway peer as host:port (anchor.backend=fabric)", false),
  FABRIC_TLS_CA_FILE(
      "fabric.tlsCaFile",
      "",
      "PEM CA certificate of the peer's TLS; empty = plaintext (tests only)",
      false),
  FABRIC_SERVER_NAME_OVERRIDE(
      "fabric.serverNameOverride",
      "",
      "TLS host name to expect from the peer when it differs from the endpoint's host",
      false),
  FABRIC_MSP_ID("fabric.mspId", "", "MSP id of the service's Fabric identity", false),
  FABRIC_CERT_FILE("fabric.certFile", "", "PEM X.509 certificate of the service's identity", false),
  FABRIC_KEY_FILE(
      "fabric.keyFile", "", "PEM private key of the service's identity (never logged)", false),
  FABRIC_CHANNEL("fabric.channel", "lineage", "channel the anchoring chaincode runs on", false),
  FABRIC_CHAINCODE("fabric.chaincode", "lineage-anchor", "name of the anchoring chaincode", false),
  FABRIC_EVALUATE_TIMEOUT_SECONDS(
      "fabric.evaluateTimeoutSeconds",
      "5",
      "deadline of an evaluate (query) call, 1..300 s",
      false),
  FABRIC_ENDORSE_TIMEOUT_SECONDS(
      "fabric.endorseTimeoutSeconds", "15", "deadline of an endorse call, 1..300 s", false),
  FABRIC_SUBMIT_TIMEOUT_SECONDS(
      "fabric.submitTimeoutSeconds",
      "5",
      "deadline of a submit (to ordering) call, 1..300 s",
      false),
  FABRIC_COMMIT_STATUS_TIMEOUT_SECONDS(
      "fabric.commitStatusTimeoutSeconds",
      "60",
      "deadline of waiting for a transaction's commit status, 1..600 s",
      false),
  FABRIC_MAX_ATTEMPTS(
      "fabric.maxAttempts",
      "5",
      "attempts per anchor on UNAVAILABLE, DEADLINE_EXCEEDED or MVCC_READ_CONFLICT, 1..20",
      false),
  FABRIC_RETRY_BACKOFF_MILLIS(
      "fabric.retryBackoffMillis",
      "500",
      "first retry delay, doubled per attempt, 1..60000 ms",
      false),
  EVIDENCE_ENABLED(
      "evidence.enabled",
      "true",
      "attach the eBPF probes and journal runtime evidence: true or false; where they cannot run (not root, no kernel BTF, probes refused) the service starts without them and /health says why",
      false),
  EVIDENCE_WINDOW_SECONDS(
      "evidence.windowSeconds", "10", "length of one evidence window, 1..3600 s", false),
  EVIDENCE_ENV_NAMES(
      "evidence.envNames",
      "MLFLOW_RUN_ID,MLFLOW_EXPERIMENT_ID",
      "comma-separated environment variables whose presence at exec tracks a process and its descendants, at most 4 (A-Z a-z 0-9 _)",
      false),
  EVIDENCE_COMMANDS(
      "evidence.commands",
      "",
      "comma-separated command names (at most 15 bytes each) tracked from exec with their descendants, at most 256",
      false),
  EVIDENCE_PATH_PREFIXES(
      "evidence.pathPrefixes",
      "",
      "comma-separated absolute directories: only files under them count for tracked processes (matched in the kernel by directory identity at attach; each must exist then), at most 64; empty = every file",
      false),
  EVIDENCE_SERVER_PORTS(
      "evidence.serverPorts",
      "",
      "comma-separated TCP ports 1..65535: only flows with one of them at either end count, at most 64; empty = every flow",
      false),
  MLFLOW_SOURCES(
      "mlflow.sources",
      "",
      "MLflow servers as comma-separated id=url (or just id for webhooks without enrichment), e.g. prod=http://mlflow:5000; ids 1..48 of a-z 0-9 _ -",
      false),
  MLFLOW_WEBHOOK_SECRETS(
      "mlflow.webhookSecrets",
      "",
      "webhook signing secret of each MLflow source as comma-separated id=secret (never logged or printed); every source needs one",
      true),
  MLFLOW_WEBHOOK_TOLERANCE_SECONDS(
      "mlflow.webhookToleranceSeconds",
      "300",
      "how far a webhook's X-MLflow-Timestamp may be from the service's clock, 1..86400 s",
      false),
  MLFLOW_WEBHOOK_BODY_LIMIT_BYTES(
      "mlflow.webhookBodyLimitBytes",
      "262144",
      "largest accepted MLflow webhook body, 1..104857600 bytes (and at most http.bodyLimitBytes); larger gets 413",
      false),
  MLFLOW_SYNC_INTERVAL_SECONDS(
      "mlflow.syncIntervalSeconds",
      "300",
      "time between incremental sync rounds of each MLflow server with a URL, 0..86400 s (0 = no sync)",
      false),
  MLFLOW_REQUEST_TIMEOUT_MILLIS(
      "mlflow.requestTimeoutMillis",
      "10000",
      "deadline of one call to an MLflow server, 100..600000 ms",
      false),
  MLFLOW_MAX_ATTEMPTS(
      "mlflow.maxAttempts",
      "8",
      "attempts at a webhook delivery before it is left failed, 1..1000 (MLflow being unreachable is retried until it answers)",
      false),
  MLFLOW_INBOX_POLL_MILLIS(
      "mlflow.inboxPollMillis",
      "500",
      "how often the webhook inbox is checked for due deliveries when idle (and its backlog recounted for mlflow.inboxMaxBacklog), 10..60000 ms",
      false),
  MLFLOW_INBOX_WRITE_BATCH_MAX(
      "mlflow.inboxWriteBatchMax",
      "500",
      "most webhook deliveries one inbox transaction takes (group commit: one multi-row insert, one commit), 1..10000",
      false),
  MLFLOW_INBOX_WRITE_LINGER_MILLIS(
      "mlflow.inboxWriteLingerMillis",
      "1",
      "how long an inbox write with a free writer waits for more deliveries to join it while fewer than a full batch are queued, 0..1000 ms (0 = write at once)",
      false),
  MLFLOW_INBOX_WRITES_IN_FLIGHT(
      "mlflow.inboxWritesInFlight",
      "4",
      "inbox transactions open at once (each holds a database connection), 1..64",
      false),
  MLFLOW_INBOX_MAX_QUEUED_WRITES(
      "mlflow.inboxMaxQueuedWrites",
      "10000",
      "verified deliveries waiting for an inbox transaction beyond which webhooks get 429 with Retry-After, 1..1000000",
      false),
  MLFLOW_INBOX_MAX_BACKLOG(
      "mlflow.inboxMaxBacklog",
      "200000",
      "unprocessed (pending) inbox deliveries beyond which webhooks get 429 with Retry-After, 1..100000000",
      false),
  MLFLOW_INBOX_PROCESSORS(
      "mlflow.inboxProcessors",
      "2",
      "inbox processors running at once (each holds up to three database connections), 1..32; 2 x this + the number of sources with a URL + 1 must stay below db.poolSize",
      false),
  MLFLOW_INBOX_PROCESS_BATCH(
      "mlflow.inboxProcessBatch",
      "100",
      "most deliveries one inbox processor claims and processes per transaction, 1..10000",
      false),
  MLFLOW_INBOX_PROCESS_QUIET_MILLIS(
      "mlflow.inboxProcessQuietMillis",
      "50",
      "how long no webhook must have been accepted before inbox processing runs flat out (intake first); meanwhile one round per processor runs every mlflow.inboxPollMillis, or flat out once half of mlflow.inboxMaxBacklog waits; 0..60000 ms",
      false),
  MLFLOW_RETRY_AFTER_SECONDS(
      "mlflow.retryAfterSeconds",
      "1",
      "Retry-After of a webhook refused with 429 (inbox over a bound) or 503 (inbox write failed), 1..3600 s",
      false),
  MLFLOW_REGISTER_WEBHOOK_URL(
      "mlflow.registerWebhookUrl",
      "",
      "when set, registered at start as the webhook of each MLflow server with a URL ({source} is replaced by the source id), unless already registered",
      false);

  final String key;
  final String defaultValue;
  final String description;
  final boolean secret;

  ConfigKey(String key, String defaultValue, String description, boolean secret) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
    this.secret = secret;
  }

  /** {@code http.bodyLimitBytes} → {@code LINEAGE_HTTP_BODY_LIMIT_BYTES}. */
  String envName() {
    StringBuilder sb = new StringBuilder("LINEAGE_");
    for (char c : key.toCharArray()) {
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }

  static List<String> allKeys() {
    return java.util.Arrays.stream(values()).map(k -> k.key).toList();
  }
}
