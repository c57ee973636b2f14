package org.gloomeshupgrade.controlplane;

/**
 * The last few kilobytes of a tool's output: enough for a person reading the history, small enough
 * to keep there.
 */
final class OutputTail {
  static final int LIMIT = 4096;

  private final StringBuilder text = new StringBuilder();
  private boolean cut;

  synchronized OutputTail line(String line) {
    text.append(line).append('\n');
    if (text.length() > 2 * LIMIT) {
      text.delete(0, text.length() - LIMIT);
      cut = true;
    }
    return this;
  }

  synchronized OutputTail lines(String output) {
    if (output != null) {
      output.lines().forEach(this::line);
    }
    return this;
  }

  @Override
  public synchronized String toString() {
    String all = text.toString().strip();
    if (all.length() <= LIMIT && !cut) {
      return all;
    }
    String tail = all.substring(Math.max(0, all.length() - LIMIT));
    int firstLine = tail.indexOf('\n');
    return "[...]\n"
        + (firstLine >= 0 && firstLine < tail.length() - 1 ? tail.substring(firstLine + 1) : tail);
  }

  static String of(String output) {
    return new OutputTail().lines(output).toString();
  }
}
