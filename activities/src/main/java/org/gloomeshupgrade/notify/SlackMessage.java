package org.gloomeshupgrade.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A notification as a Slack incoming webhook's message: a one-line {@code text} for the
 * notification itself, and Block Kit blocks for the channel. Text from the run is escaped, and
 * every Block Kit limit is kept, whatever the run's texts and report hold.
 */
public final class SlackMessage {
  static final int MAX_BLOCKS = 50;
  static final int MAX_HEADER = 150;
  static final int MAX_SECTION = 3000;
  static final int MAX_FIELD = 2000;
  static final int MAX_FIELDS = 10;
  static final int MAX_CONTEXT = 2000;
  static final int MAX_BUTTON_URL = 3000;
  static final int MAX_TEXT = 3000;

  /** Room kept in the last report section for the line that counts the checks left out. */
  private static final int MORE_LINE = 40;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackMessage() {}

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
    Title title = Title.of(n);
    ObjectNode message = JSON.createObjectNode();
    message.put("text", SlackText.limit(SlackText.escape(fallback(n, title)), MAX_TEXT));
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(header(title.emoji() + " " + title.words() + ": " + subject(n)));
    if (!text(n.summary()).isEmpty()) {
      blocks.add(section(SlackText.escape(n.summary())));
    }
    blocks.add(fields(n));
    if (!text(n.why()).isEmpty()) {
      blocks.add(section("*Why*\n" + SlackText.escape(n.why())));
    }
    List<ObjectNode> tail = new ArrayList<>();
    if (!text(n.note()).isEmpty()) {
      tail.add(context(SlackText.escapeKeepingMentions(n.note())));
    }
    if (!link.isEmpty() && link.length() <= MAX_BUTTON_URL) {
      tail.add(button("Open in Temporal UI", link));
    }
    boolean hasReport = n.event() == NotificationEvent.RUN_ENDED && !n.report().isEmpty();
    if (!n.commands().isEmpty()) {
      int room = MAX_BLOCKS - blocks.size() - tail.size() - (hasReport ? 1 : 0) - 1;
      if (room > 0) {
        blocks.add(section(n.commands().size() == 1 ? "*Answer with*" : "*Answer with one of*"));
        n.commands().stream().limit(room).forEach(c -> blocks.add(section(codeBlock(c))));
      }
    }
    if (hasReport) {
      blocks.addAll(report(n.report(), MAX_BLOCKS - blocks.size() - tail.size()));
    }
    blocks.addAll(tail);
    ArrayNode array = message.putArray("blocks");
    blocks.forEach(array::add);
    return message;
  }

  /** The notification's own line: what, where, and the step, gate or outcome. */
  private static String fallback(Notification n, Title title) {
    List<String> parts = new ArrayList<>();
    parts.add("%s: %s".formatted(title.words(), subject(n)));
    if (!step(n).isEmpty()) {
      parts.add("step " + step(n));
    }
    if (!text(n.gate()).isEmpty()) {
      parts.add("gate " + n.gate());
    }
    if (!text(n.answer()).isEmpty()) {
      parts.add(
          text(n.answeredBy()).isEmpty()
              ? "answer " + n.answer()
              : "%s by %s".formatted(n.answer(), n.answeredBy()));
    }
    if (!text(n.outcome()).isEmpty()) {
      parts.add("outcome " + n.outcome());
    }
    return SlackText.oneLine(String.join("; ", parts));
  }

  /** "Gloo Mesh 0.10.4 → 0.11.3 on mgmt". */
  private static String subject(Notification n) {
    return "Gloo Mesh %s on %s".formatted(versions(n), text(n.cluster()));
  }

  private static String versions(Notification n) {
    String from = text(n.fromVersion());
    String to = text(n.toVersion());
    return from.isEmpty() ? "→ " + to : from + " → " + to;
  }

  private static String step(Notification n) {
    return text(n.stepLabel()).isEmpty() ? text(n.step()) : n.stepLabel();
  }

  private static ObjectNode fields(Notification n) {
    List<Field> fields = new ArrayList<>();
    fields.add(new Field("Cluster", text(n.cluster())));
    fields.add(new Field("Versions", versions(n)));
    fields.add(new Field("Step", step(n)));
    fields.add(
        new Field(
            "Gate",
            text(n.gate()).isEmpty() || n.gateKind() == null
                ? text(n.gate())
                : "%s (%s)".formatted(n.gate(), n.gateKind().wireName())));
    fields.add(new Field("Workflow", text(n.workflowId())));
    if (n.event() == NotificationEvent.GATE_ANSWERED) {
      fields.add(new Field("Answered by", text(n.answeredBy())));
      fields.add(new Field("Answer", text(n.answer())));
    }
    if (n.event() == NotificationEvent.RUN_ENDED) {
      fields.add(new Field("Outcome", text(n.outcome())));
    }
    ObjectNode section = JSON.createObjectNode().put("type", "section");
    ArrayNode array = section.putArray("fields");
    fields.stream()
        .filter(f -> !f.value().isEmpty())
        .limit(MAX_FIELDS)
        .forEach(
            f ->
                array.add(
                    mrkdwn(
                        "*%s*\n%s".formatted(f.label(), SlackText.escape(f.value())), MAX_FIELD)));
    return section;
  }

  /**
   * The final report, worst first, in as many sections as it needs and the blocks left allow; the
   * last one counts what did not fit.
   */
  private static List<ObjectNode> report(Map<String, String> report, int room) {
    if (room <= 0) {
      return List.of();
    }
    List<String> lines =
        report.entrySet().stream()
            .sorted(
                Comparator.comparingInt((Map.Entry<String, String> e) -> severity(e.getValue()))
                    .thenComparing(Map.Entry::getKey))
            .map(
                e ->
                    SlackText.limit(
                        "%s %s: %s"
                            .formatted(
                                emoji(e.getValue()),
                                SlackText.escape(e.getKey()),
                                SlackText.escape(e.getValue())),
                        500))
            .toList();
    List<ObjectNode> sections = new ArrayList<>();
    StringBuilder current = new StringBuilder("*Final report*");
    for (int i = 0; i < lines.size(); i++) {
      boolean lastSection = sections.size() == room - 1;
      int needed = current.length() + 1 + lines.get(i).length() + (lastSection ? MORE_LINE : 0);
      if (needed <= MAX_SECTION) {
        current.append('\n').append(lines.get(i));
      } else if (!lastSection) {
        sections.add(section(current.toString()));
        current = new StringBuilder(lines.get(i));
      } else {
        int left = lines.size() - i;
        current.append("\n").append("… and %d more check%s".formatted(left, left == 1 ? "" : "s"));
        break;
      }
    }
    sections.add(section(current.toString()));
    return sections;
  }

  private static int severity(String level) {
    return switch (level) {
      case "RED" -> 0;
      case "YELLOW" -> 1;
      case "GREEN" -> 3;
      default -> 2;
    };
  }

  private static String emoji(String level) {
    return switch (level) {
      case "RED" -> ":red_circle:";
      case "YELLOW" -> ":large_yellow_circle:";
      case "GREEN" -> ":large_green_circle:";
      default -> ":white_circle:";
    };
  }

  private static String codeBlock(String command) {
    String fence = "```";
    return fence
        + SlackText.limit(SlackText.escape(command), MAX_SECTION - 2 * fence.length())
        + fence;
  }

  private static ObjectNode header(String text) {
    ObjectNode block = JSON.createObjectNode().put("type", "header");
    block.set(
        "text", plain(SlackText.limit(SlackText.escape(SlackText.oneLine(text)), MAX_HEADER)));
    return block;
  }

  private static ObjectNode section(String escaped) {
    ObjectNode block = JSON.createObjectNode().put("type", "section");
    block.set("text", mrkdwn(escaped, MAX_SECTION));
    return block;
  }

  private static ObjectNode context(String escaped) {
    ObjectNode block = JSON.createObjectNode().put("type", "context");
    block.putArray("elements").add(mrkdwn(escaped, MAX_CONTEXT));
    return block;
  }

  private static ObjectNode button(String label, String url) {
    ObjectNode block = JSON.createObjectNode().put("type", "actions");
    ObjectNode button =
        JSON.createObjectNode()
            .put("type", "button")
            .put("action_id", "open-temporal-ui")
            .put("url", url);
    button.set("text", plain(label));
    block.putArray("elements").add(button);
    return block;
  }

  private static ObjectNode mrkdwn(String escaped, int max) {
    return JSON.createObjectNode().put("type", "mrkdwn").put("text", SlackText.limit(escaped, max));
  }

  private static ObjectNode plain(String escaped) {
    return JSON.createObjectNode()
        .put("type", "plain_text")
        .put("text", escaped)
        .put("emoji", true);
  }

  private static String text(String s) {
    return Objects.requireNonNullElse(s, "");
  }

  private record Field(String label, String value) {}

  /** The header's emoji and words, by event, gate kind, answer and outcome. */
  private record Title(String emoji, String words) {
    static Title of(Notification n) {
      if (n.event() == null) {
        return new Title(":bell:", "Gloo Mesh upgrade");
      }
      return switch (n.event()) {
        case GATE_OPENED -> opened(n.gateKind());
        case REMINDER ->
            new Title(
                ":alarm_clock:",
                n.gateKind() == null || n.gateKind() == GateKind.APPROVAL
                    ? "Approval overdue"
                    : "Decision overdue");
        case GATE_ANSWERED -> answered(text(n.answer()));
        case RUN_ENDED -> ended(text(n.outcome()));
        case TEST -> new Title(":wave:", "Test from gmu notify-test");
      };
    }

    private static Title opened(GateKind kind) {
      if (kind == null) {
        return new Title(":large_yellow_circle:", "Waiting for a person");
      }
      return switch (kind) {
        case APPROVAL -> new Title(":large_yellow_circle:", "Approval needed");
        case FAILED_STEP -> new Title(":red_circle:", "Step failed, decision needed");
        case CONFORMANCE ->
            new Title(":large_orange_circle:", "Conformance problems, decision needed");
        case FAILED_CLUSTERS ->
            new Title(":large_orange_circle:", "Clusters failed to re-register, decision needed");
      };
    }

    private static Title answered(String answer) {
      return switch (answer) {
        case "APPROVED" -> new Title(":white_check_mark:", "Approved");
        case "REJECTED" -> new Title(":no_entry:", "Rejected");
        case "" -> new Title(":ballot_box_with_check:", "Answered");
        default -> new Title(":ballot_box_with_check:", "Decided " + answer);
      };
    }

    private static Title ended(String outcome) {
      return switch (outcome) {
        case "SUCCEEDED" -> new Title(":large_green_circle:", "Upgrade succeeded");
        case "FINISHED_WITH_PROBLEMS" ->
            new Title(":large_orange_circle:", "Upgrade finished with problems");
        case "DRY_RUN_COMPLETE" -> new Title(":white_circle:", "Dry run complete");
        case "REJECTED" -> new Title(":no_entry:", "Upgrade rejected");
        case "FAILED" -> new Title(":red_circle:", "Upgrade failed");
        case "ABORTED" -> new Title(":black_circle:", "Upgrade aborted");
        case "ROLLED_BACK" -> new Title(":leftwards_arrow_with_hook:", "Upgrade rolled back");
        case "CANCELLED" -> new Title(":black_circle:", "Upgrade cancelled");
        default ->
            new Title(
                ":checkered_flag:",
                outcome.isEmpty() ? "Upgrade ended" : "Upgrade ended: " + outcome);
      };
    }
  }
}
