package io.lineageledger.ingest.mlflow;

import io.lineageledger.platform.Secret;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One MLflow server Lineage Ledger ingests from.
 *
 * @param id the source id used in the webhook path and in records ({@code mlflow:<id>}); 1..48 of
 *     a-z 0-9 _ -
 * @param baseUrl the server's tracking URI (e.g. {@code http://mlflow:5000}), for enrichment and
 *     sync; empty = webhooks only, nothing fetched
 * @param webhookSecret the webhook signing secret MLflow was given; never logged or returned
 */
public record MlflowSource(String id, Optional<URI> baseUrl, Secret webhookSecret) {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");

  public MlflowSource {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "MLflow source id '" + id + "' is not allowed: expected 1..48 of a-z 0-9 _ -");
    }
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
    baseUrl.ifPresent(
        u -> {
          if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
              || u.getHost() == null) {
            throw new IllegalArgumentException(
                "MLflow source '"
                    + id
                    + "' URL '"
                    + u
                    + "' is not allowed: expected http(s)://host[:port]");
          }
        });
  }

  /** The journal source name of this server's records. */
  public String journalSource() {
    return "mlflow:" + id;
  }
}
