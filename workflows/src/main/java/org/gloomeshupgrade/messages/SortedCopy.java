package org.gloomeshupgrade.messages;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Unmodifiable copies of a message's maps, in key order. {@code Map.copyOf} would do, but its
 * iteration order changes from one JVM to the next, and a message's map order shows in workflow
 * history, in the texts people read and in replays: a worker restarted mid-run must see the same
 * order as the one before it.
 */
public final class SortedCopy {

  private SortedCopy() {}

  public static <K extends Comparable<K>, V> SortedMap<K, V> of(Map<K, V> map) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }

  /**
   * As {@link #of}, and null for null: for messages recorded in histories where a map could be
   * absent.
   */
  public static <K extends Comparable<K>, V> SortedMap<K, V> ofNullable(Map<K, V> map) {
    return map == null ? null : of(map);
  }
}
