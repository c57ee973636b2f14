package org.gloomeshupgrade.notify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text for Slack messages: Slack's control characters escaped, its length limits kept. */
final class SlackText {
  static final String ELLIPSIS = "…";

  /**
   * Mentions a note may carry: a person, a user group, a channel, @here and @channel. Anything else
   * in angle brackets (a link with a misleading label, @everyone) is shown as typed.
   */
  private static final Pattern MENTION =
      Pattern.compile("<(@[UW][A-Z0-9]+|#C[A-Z0-9]+|!subteam\\^[A-Z0-9]+|!here|!channel)>");

  private SlackText() {}

  /** Slack's documented escaping: &amp;, &lt; and &gt; for the three characters it parses. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** As {@link #escape}, except for the mentions Slack should notify. */
  static String escapeKeepingMentions(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    Matcher m = MENTION.matcher(text);
    int from = 0;
    while (m.find()) {
      out.append(escape(text.substring(from, m.start()))).append(m.group());
      from = m.end();
    }
    return out.append(escape(text.substring(from))).toString();
  }

  /**
   * Cuts escaped text to at most {@code max} characters, ending it with an ellipsis, without
   * splitting an entity (&amp;amp;) or a surrogate pair.
   */
  static String limit(String escaped, int max) {
    if (escaped.length() <= max) {
      return escaped;
    }
    int cut = max - ELLIPSIS.length();
    int amp = escaped.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp >= cut - "&amp;".length() + 1 && escaped.indexOf(';', amp) >= cut) {
      cut = amp;
    }
    if (cut > 0 && Character.isHighSurrogate(escaped.charAt(cut - 1))) {
      cut--;
    }
    return escaped.substring(0, cut) + ELLIPSIS;
  }

  /** One line: line breaks and tabs become spaces. */
  static String oneLine(String text) {
    return text.replaceAll("\\s*[\\r\\n\\t]+\\s*", " ").strip();
  }
}
