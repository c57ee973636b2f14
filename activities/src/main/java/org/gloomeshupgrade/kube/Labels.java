package org.gloomeshupgrade.kube;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations on objects we update: what others put there stays, ours win on conflict. */
public final class Labels {
  private Labels() {}

  /** The union of both maps, desired entries last; null when both are empty, as the API server stores it. */
  public static Map<String, String> merged(Map<String, String> existing, Map<String, String> desired) {
    Map<String, String> out = new LinkedHashMap<>();
    if (existing != null) {
      out.putAll(existing);
    }
    if (desired != null) {
      out.putAll(desired);
    }
    return out.isEmpty() ? null : out;
  }
}
