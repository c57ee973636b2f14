package org.gloomeshupgrade.temporal;

import io.grpc.StatusRuntimeException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** What a failed first call to Temporal means, in words that name the setting to check. */
public final class TemporalRefusals {
  private TemporalRefusals() {}

  public static String explain(TemporalConnection temporal, StatusRuntimeException e) {
    return "%s (connecting to %s)".formatted(explain(e, temporal.namespace()), temporal.describe());
  }

  /** The first Temporal failure in a chain of causes, if any. */
  public static Optional<StatusRuntimeException> find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StatusRuntimeException sre) {
        return Optional.of(sre);
      }
    }
    return Optional.empty();
  }

  public static String explain(StatusRuntimeException e, String namespace) {
    return switch (e.getStatus().getCode()) {
      case UNAUTHENTICATED ->
          "Temporal refused the credentials: check the API key (TEMPORAL_API_KEY or the API key"
              + " file) or the client certificate";
      case PERMISSION_DENIED ->
          "Temporal refused access to the namespace: check that the API key or certificate may"
              + " use namespace "
              + namespace;
      case NOT_FOUND -> "namespace %s does not exist".formatted(namespace);
      default ->
          tls(e)
              ? "the TLS handshake failed (%s): check TLS on or off, the server CA, the server name and the client certificate"
                  .formatted(rootMessage(e))
              : "cannot reach Temporal (%s): check the address and that the server is up"
                  .formatted(e.getStatus().getCode());
    };
  }

  private static boolean tls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
