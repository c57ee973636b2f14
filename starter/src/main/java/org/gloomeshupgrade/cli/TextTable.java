package org.gloomeshupgrade.cli;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells as lines, each column as wide as its widest cell, or as wide as asked. */
final class TextTable {
  private TextTable() {}

  /**
   * @param least each column's least width: a column as wide as its widest possible value keeps the
   *     columns after it in place as the values change
   */
  static List<String> of(List<String> header, List<List<String>> rows, List<Integer> least) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = least.stream().mapToInt(Integer::intValue).toArray();
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i == 0 ? "" : "  ").append(row.get(i));
        line.append(" ".repeat(widths[i] - row.get(i).length()));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
