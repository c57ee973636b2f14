package org.gloomeshupgrade.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output of {@code meshctl check} line by line and says which checks it marked as failed.
 * meshctl 0.10 to 1.0 exits 0 even when a check fails (its command ignores the checks' results), so
 * this output is the only verdict there is.
 *
 * <p>The format matched is the one printed by meshctl's check runner in solo-io/gloo-mesh (0.10 to
 * 1.0: {@code pkg/meshctl/commands/check/check.go}, later {@code pkg/meshctl/checks/construct.go})
 * and shown in its install guides:
 *
 * <pre>
 * Gloo Mesh
 * ------------
 * ✅ Gloo Mesh pods are running
 * ❌ Gloo Mesh networking configuration resources are in a valid state
 *   - TrafficPolicy retries.bookinfo: approval state is INVALID
 * Hints:
 *   check the status of Gloo Mesh networking resources with "kubectl get &lt;resource-type&gt; -Aoyaml"
 * </pre>
 *
 * A category name, a row of dashes, then one line per check starting with ✅ (passed) or ❌ (failed);
 * a failed check is followed by its errors as {@code " - "} lines and, in the 1.0 line, by {@code
 * Hints:} and indented hint lines. Other lines (the enterprise agents table, client-go log lines)
 * are not verdicts and are skipped. meshctl 1.1 and later print 🟢 / 🟡 / 🔴 instead, and {@code *
 * } before hints; those are read too, so a newer binary is not mistaken for one whose checks all
 * passed.
 */
final class MeshctlCheckOutput {
  private static final String PASSED = "\u2705";
  private static final String FAILED = "\u274C";
  private static final String PASSED_FROM_1_1 = "\uD83D\uDFE2";
  private static final String WARNING_FROM_1_1 = "\uD83D\uDFE1";
  private static final String FAILED_FROM_1_1 = "\uD83D\uDD34";

  /** Keeps the report small enough for the workflow history however many resources fail. */
  private static final int MAX_LISTED = 20;

  private static final int MAX_DETAIL_CHARS = 3000;

  /** One check line that was not a pass, with the error and hint lines printed under it. */
  record Flagged(String line, List<String> errors, List<String> hints) {
    String describe() {
      return errors.isEmpty() ? line : line + " (" + String.join("; ", errors) + ")";
    }
  }

  private final List<Flagged> failed = new ArrayList<>();
  private final List<Flagged> warned = new ArrayList<>();
  private int passed;
  private Flagged current;
  private boolean inHints;

  static MeshctlCheckOutput of(String output) {
    MeshctlCheckOutput parsed = new MeshctlCheckOutput();
    if (output != null) {
      output.lines().forEach(parsed::line);
    }
    return parsed;
  }

  /** Takes the next output line; called from the thread reading meshctl's output. */
  synchronized void line(String raw) {
    String text = raw.replace("\uFE0F", "").strip();
    if (text.startsWith(FAILED) || text.startsWith(FAILED_FROM_1_1)) {
      current = new Flagged(text, new ArrayList<>(), new ArrayList<>());
      failed.add(current);
      inHints = false;
    } else if (text.startsWith(WARNING_FROM_1_1)) {
      current = new Flagged(text, new ArrayList<>(), new ArrayList<>());
      warned.add(current);
      inHints = false;
    } else if (text.startsWith(PASSED) || text.startsWith(PASSED_FROM_1_1)) {
      passed++;
      current = null;
      inHints = false;
    } else if (current == null || text.isEmpty()) {
      // A category heading, its dashes, a blank line: no verdict in it, and the end of any hints.
      inHints = false;
    } else if (text.equals("Hints:")) {
      inHints = true;
    } else if (!Character.isWhitespace(raw.charAt(0))) {
      // meshctl indents errors and hints; unindented lines
      // are its agents table or client-go log lines.
      inHints = false;
    } else if (inHints) {
      current.hints().add(text.startsWith("* ") ? text.substring(2) : text);
    } else if (text.startsWith("- ")) {
      current.errors().add(text.substring(2));
    }
  }

  synchronized List<Flagged> failed() {
    return List.copyOf(failed);
  }

  synchronized List<Flagged> warned() {
    return List.copyOf(warned);
  }

  synchronized int passed() {
    return passed;
  }

  /**
   * The verdict as a report line: RED when any check line is marked failed (whatever the exit
   * code), also RED when no check line was printed at all (nothing says the checks passed), YELLOW
   * for warnings only, else GREEN.
   *
   * @param rerun the command a person can run to see the same output
   */
  synchronized VerifyCheck verdict(String name, String rerun, String outputTail) {
    if (!failed.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          capped(
              failed.size()
                  + " of "
                  + (failed.size() + warned.size() + passed)
                  + " checks failed: "
                  + listed(failed)),
          hints(
              failed,
              "meshctl check exits 0 even when a check fails; run \""
                  + rerun
                  + "\" and fix what the failed lines name, then verify again."));
    }
    if (warned.isEmpty() && passed == 0) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          capped(
              "no check result in meshctl's output: "
                  + (outputTail.isBlank() ? "(no output)" : outputTail)),
          "Run \""
              + rerun
              + "\" on the worker and read its output; a check result line starts with a mark "
              + "such as \u2705 or \u274C.");
    }
    if (!warned.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.YELLOW,
          capped(warned.size() + " warning(s), " + passed + " passed: " + listed(warned)),
          hints(warned, "Run \"" + rerun + "\" and read the warnings."));
    }
    return new VerifyCheck(name, CheckLevel.GREEN, passed + " checks passed", "");
  }

  private static String listed(List<Flagged> flagged) {
    List<String> lines = flagged.stream().limit(MAX_LISTED).map(Flagged::describe).toList();
    String more =
        flagged.size() > MAX_LISTED ? "; and " + (flagged.size() - MAX_LISTED) + " more" : "";
    return String.join("; ", lines) + more;
  }

  private static String hints(List<Flagged> flagged, String general) {
    List<String> own =
        flagged.stream().flatMap(f -> f.hints().stream()).distinct().limit(MAX_LISTED).toList();
    return capped(
        own.isEmpty() ? general : "meshctl says: " + String.join(" ", own) + " " + general);
  }

  private static String capped(String text) {
    return text.length() <= MAX_DETAIL_CHARS
        ? text
        : text.substring(0, MAX_DETAIL_CHARS) + " [...]";
  }
}
