package org.gloomeshupgrade.request;

import java.util.regex.Pattern;

/**
 * Checks of one text value, each answering the problem to append after the value, or null when the
 * value is fine.
 */
final class NameRules {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final int DNS_LABEL_MAX = 63;
  private static final int DNS_SUBDOMAIN_MAX = 253;

  private NameRules() {}

  /** Any value will do: the field is only read on the worker. */
  static String anything(String value) {
    return null;
  }

  /**
   * Text for people, carried in every notification: one short line, and no URL, so that no webhook
   * address or token is ever put in a request (and so in the history) by mistake.
   */
  static String noteForPeople(String value) {
    if (value.length() > RequestDefaults.NOTIFY_NOTE_MAX) {
      return "is longer than %d characters".formatted(RequestDefaults.NOTIFY_NOTE_MAX);
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return "must be one line of text, without control characters";
    }
    if (value.contains("://")) {
      return "must not contain a URL: destinations are configured on the worker";
    }
    return null;
  }

  static String notBlank(String value) {
    return value.isBlank() ? "must not be blank" : null;
  }

  static String noWhitespace(String value) {
    return value.chars().anyMatch(Character::isWhitespace) ? "must not contain spaces" : null;
  }

  static String dnsLabel(String value) {
    return value.length() <= DNS_LABEL_MAX && DNS_LABEL.matcher(value).matches()
        ? null
        : "is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63)";
  }

  static String dnsSubdomain(String value) {
    return value.length() <= DNS_SUBDOMAIN_MAX && DNS_SUBDOMAIN.matcher(value).matches()
        ? null
        : "is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')";
  }
}
