package org.gloomeshupgrade.registration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.gloomeshupgrade.controlplane.AgentChartInstaller;
import org.gloomeshupgrade.controlplane.AgentChartInstaller.AgentChart;
import org.gloomeshupgrade.request.RequestDefaults;

/**
 * Where the agent charts come from, from the request's {@code agentCharts} and {@code chart}. A
 * base is a URL under which each chart is a repository of its own ({@code
 * <base>/agent-crds/index.yaml}, as the public Gloo Mesh repositories are laid out), or a local
 * folder holding each chart as {@code <name>-<version>.tgz}, as a chart folder {@code <name>/}, or
 * as {@code <name>/<name>-<version>.tgz}.
 */
public final class AgentChartLocations {
  private AgentChartLocations() {}

  /**
   * The charts to install, or empty when the agents are left alone ("none", or null in an older
   * history).
   */
  static Optional<List<AgentChart>> of(String agentCharts, String chart, String version) {
    if (agentCharts == null
        || agentCharts.trim().equalsIgnoreCase(RequestDefaults.AGENT_CHARTS_NONE)) {
      return Optional.empty();
    }
    String base =
        agentCharts.isBlank()
            ? besideControlPlaneChart(chart)
            : withoutTrailingSlash(agentCharts.trim());
    return Optional.of(
        AgentChartInstaller.CHARTS.stream()
            .map(name -> new AgentChart(name, reference(base, name, version)))
            .toList());
  }

  /**
   * The parent of the control-plane chart's repository: {@code https://.../gloo-mesh/gloo-mesh}
   * gives {@code https://.../gloo-mesh} (an archive URL is in its repository first); a local chart
   * gives its folder.
   */
  public static String besideControlPlaneChart(String chart) {
    String reference =
        withoutTrailingSlash(
            chart == null || chart.isBlank() ? RequestDefaults.CHART_REPOSITORY : chart.trim());
    if (isUrl(reference)) {
      String repository =
          reference.toLowerCase(Locale.ROOT).endsWith(".tgz") ? parent(reference) : reference;
      return parent(repository);
    }
    Path parent = Path.of(reference).toAbsolutePath().normalize().getParent();
    return parent == null ? "/" : parent.toString();
  }

  private static String reference(String base, String name, String version) {
    if (isUrl(base)) {
      return base + "/" + name;
    }
    Path folder = Path.of(base);
    for (Path candidate :
        List.of(
            folder.resolve(name + "-" + version + ".tgz"),
            folder.resolve(name).resolve(name + "-" + version + ".tgz"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toString();
      }
    }
    // A chart folder; when it is missing too, the chart resolver says so, naming it.
    return folder.resolve(name).toString();
  }

  private static boolean isUrl(String reference) {
    String lower = reference.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  private static String parent(String url) {
    return url.substring(0, url.lastIndexOf('/'));
  }

  private static String withoutTrailingSlash(String s) {
    return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
  }
}
