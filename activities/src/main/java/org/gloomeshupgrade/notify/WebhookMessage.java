package org.gloomeshupgrade.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A notification as a webhook's body: one JSON object, version 1 of the schema in
 * docs/notifications.md. Strings that are empty are left out; {@code commands} and {@code report}
 * are always there, empty when there is nothing.
 */
public final class WebhookMessage {
  /** Bumped when a field changes meaning or goes; new fields do not bump it. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookMessage() {}

  /**
   * @param link the run in the Temporal UI; "" for none
   */
  public static String render(Notification notification, String link) {
    try {
      return JSON.writeValueAsString(json(notification, link));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode json(Notification n, String link) {
    ObjectNode body = JSON.createObjectNode();
    body.put("version", VERSION);
    put(body, "id", n.id());
    put(body, "event", n.event() == null ? "" : n.event().wireName());
    body.put("at", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(n.atMillis())));
    put(body, "workflowId", n.workflowId());
    put(body, "runId", n.runId());
    put(body, "cluster", n.cluster());
    put(body, "fromVersion", n.fromVersion());
    put(body, "toVersion", n.toVersion());
    put(body, "step", n.step());
    put(body, "stepLabel", n.stepLabel());
    put(body, "gate", n.gate());
    put(body, "gateKind", n.gateKind() == null ? "" : n.gateKind().wireName());
    put(body, "summary", n.summary());
    put(body, "why", n.why());
    ArrayNode commands = body.putArray("commands");
    n.commands().forEach(commands::add);
    put(body, "answeredBy", n.answeredBy());
    put(body, "answer", n.answer());
    put(body, "outcome", n.outcome());
    ObjectNode report = body.putObject("report");
    n.report().forEach(report::put);
    put(body, "note", n.note());
    put(body, "link", link);
    return body;
  }

  private static void put(ObjectNode body, String field, String value) {
    if (value != null && !value.isEmpty()) {
      body.put(field, value);
    }
  }
}
