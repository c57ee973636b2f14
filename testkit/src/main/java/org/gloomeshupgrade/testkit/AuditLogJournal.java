package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills a {@link RequestJournal} from a real API server's audit log (one JSON event per line,
 * written when each response completes), so tests read the requests of both backends the same way.
 * The log is read up to its end whenever the journal is read, so a request answered before that
 * read is in it.
 */
final class AuditLogJournal {

  private static final Map<String, String> METHODS =
      Map.of(
          "create",
          "POST",
          "update",
          "PUT",
          "patch",
          "PATCH",
          "delete",
          "DELETE",
          "deletecollection",
          "DELETE",
          "get",
          "GET",
          "list",
          "GET",
          "watch",
          "GET");

  private final Path log;
  private final AtomicLong writes;
  private final RequestJournal journal;
  // Distinct, so it stays small however long the cluster runs.
  private final Set<AuditedAccess> accesses = ConcurrentHashMap.newKeySet();
  private long position;
  private byte[] partial = new byte[0];

  /**
   * @param writes counts every recorded write, so idle controllers can skip a round as on the mock
   */
  AuditLogJournal(Path log, int simulatorCallLimit, AtomicLong writes) {
    this.log = log;
    this.writes = writes;
    this.journal = new RequestJournal(simulatorCallLimit, this::catchUp);
  }

  RequestJournal journal() {
    return journal;
  }

  /** Every distinct resource request in the log so far, including those the journal dropped. */
  Set<AuditedAccess> accesses() {
    catchUp();
    return Set.copyOf(accesses);
  }

  /** Reads the events written since the last call. */
  synchronized void catchUp() {
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < position) {
        throw new IllegalStateException(
            "the audit log %s shrank from %d to %d bytes: requests would go uncounted"
                .formatted(log, position, size));
      }
      if (size == position) {
        return;
      }
      ByteBuffer buffer =
          ByteBuffer.allocate((int) Math.min(size - position, Integer.MAX_VALUE - 16));
      channel.read(buffer, position);
      position += buffer.position();
      byte[] read = new byte[partial.length + buffer.position()];
      System.arraycopy(partial, 0, read, 0, partial.length);
      System.arraycopy(buffer.array(), 0, read, partial.length, buffer.position());
      int start = 0;
      for (int i = 0; i < read.length; i++) {
        if (read[i] == '\n') {
          record(new String(read, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      // An event the server is still writing is completed by the next read.
      partial = Arrays.copyOfRange(read, start, read.length);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the audit log " + log, e);
    }
  }

  private void record(String line) {
    JsonNode event = Json.parseOrNull(line);
    if (event == null || !"ResponseComplete".equals(event.path("stage").asText())) {
      return;
    }
    String verb = event.path("verb").asText("");
    String method = METHODS.getOrDefault(verb, verb.toUpperCase(Locale.ROOT));
    JsonNode requestObject = event.get("requestObject");
    String body = requestObject == null || requestObject.isNull() ? "" : requestObject.toString();
    Instant received = parseTime(event.path("requestReceivedTimestamp").asText(null));
    RecordedCall call =
        journal.record(
            method,
            event.path("requestURI").asText(""),
            body,
            event.path("userAgent").asText(null),
            event.path("user").path("username").asText(null),
            null,
            received);
    call.responseCode(event.path("responseStatus").path("code").asInt(-1));
    JsonNode responseObject = event.get("responseObject");
    if (responseObject != null && !responseObject.isNull()) {
      call.responseBody(responseObject.toString());
    }
    if (call.isMutating()) {
      writes.incrementAndGet();
    }
    JsonNode object = event.get("objectRef");
    if (object != null && object.isObject()) {
      String subresource = object.path("subresource").asText("");
      accesses.add(
          new AuditedAccess(
              event.path("user").path("username").asText(""),
              verb,
              object.path("apiGroup").asText(""),
              object.path("resource").asText("") + (subresource.isEmpty() ? "" : "/" + subresource),
              object.path("namespace").asText(""),
              object.path("name").asText(""),
              call.responseCode()));
    }
  }

  private static Instant parseTime(String text) {
    try {
      return text == null ? Instant.now() : Instant.parse(text);
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }
}
