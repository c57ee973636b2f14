package org.gloomeshupgrade.sources;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.gloomeshupgrade.crds.CrdSource;
import org.gloomeshupgrade.registration.AgentChartLocations;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * Where the worker's operator lets requests send the worker: which chart repositories and folders,
 * CRD sources, agent chart locations, values-file folders and binaries. A request is data from
 * whoever may start a workflow; without this, it could make the worker fetch from any URL, run any
 * binary, or hand the worker's own kubeconfig to Helm as values.
 *
 * <p>The defaults trust the public Gloo Mesh repositories, one values folder, and meshctl only from
 * the worker's PATH.
 */
public record TrustedSources(
    List<SourceLocation> charts,
    List<SourceLocation> crdSources,
    List<SourceLocation> agentCharts,
    List<SourceLocation> valuesFolders,
    List<SourceLocation> binaries) {

  /** The public Gloo Mesh chart repository (the control plane, and its CRD chart from 0.12.1). */
  public static final List<String> DEFAULT_CHARTS = List.of(RequestDefaults.CHART_REPOSITORY);

  /** The public repository's files, at every tag. */
  public static final List<String> DEFAULT_CRD_SOURCES = List.of(CrdSource.PUBLIC_REPOSITORY);

  /**
   * The repositories beside the public chart repository ({@code agent-crds}, {@code cert-agent}).
   */
  public static final List<String> DEFAULT_AGENT_CHARTS =
      List.of(AgentChartLocations.besideControlPlaneChart(RequestDefaults.CHART_REPOSITORY));

  public static final List<String> DEFAULT_VALUES_FOLDERS =
      List.of("/etc/gloo-mesh-upgrade/values");

  /** None: meshctl from the worker's PATH only. */
  public static final List<String> DEFAULT_BINARIES = List.of();

  public TrustedSources {
    charts = List.copyOf(charts);
    crdSources = List.copyOf(crdSources);
    agentCharts = List.copyOf(agentCharts);
    valuesFolders = List.copyOf(valuesFolders);
    binaries = List.copyOf(binaries);
  }

  public static TrustedSources defaults() {
    return new TrustedSources(
        locations(DEFAULT_CHARTS),
        locations(DEFAULT_CRD_SOURCES),
        locations(DEFAULT_AGENT_CHARTS),
        locations(DEFAULT_VALUES_FOLDERS),
        locations(DEFAULT_BINARIES));
  }

  /**
   * These sources and a folder the worker's own set-up wrote (the demo's simulated charts, a test's
   * files): charts, CRDs, agent charts and values files under it.
   */
  public TrustedSources withFolder(Path folder) {
    SourceLocation f = SourceLocation.folder(folder);
    return new TrustedSources(
        plus(charts, f),
        plus(crdSources, f),
        plus(agentCharts, f),
        plus(valuesFolders, f),
        binaries);
  }

  /** These sources and a chart repository, archive or folder. */
  public TrustedSources withChart(String entry) {
    return new TrustedSources(
        plus(charts, SourceLocation.of(entry)), crdSources, agentCharts, valuesFolders, binaries);
  }

  /** These sources and a CRD source (a URL base, a file or a folder). */
  public TrustedSources withCrdSource(String entry) {
    return new TrustedSources(
        charts, plus(crdSources, SourceLocation.of(entry)), agentCharts, valuesFolders, binaries);
  }

  /** These sources and a binary (or a folder of binaries). */
  public TrustedSources withBinary(Path binary) {
    return new TrustedSources(
        charts,
        crdSources,
        agentCharts,
        valuesFolders,
        plus(binaries, SourceLocation.folder(binary)));
  }

  /**
   * Refuses, as a non-retryable {@value FailureTypes#UNTRUSTED_SOURCE}, an input naming anything
   * outside these sources, naming every such field at once.
   */
  public void refuseUntrusted(RequestedSources requested) {
    List<String> problems = problems(requested);
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          """
          the request names what this worker does not trust: %s. The worker's operator \
          decides what requests may use (--trusted-sources, docs/operating.md); nothing was \
          changed"""
              .formatted(String.join("; ", problems)),
          FailureTypes.UNTRUSTED_SOURCE);
    }
  }

  /**
   * Each field of the input outside these sources, with what it resolved to and what is trusted.
   */
  public List<String> problems(RequestedSources requested) {
    List<String> problems = new ArrayList<>();
    String chart = orDefault(requested.chart(), RequestDefaults.CHART_REPOSITORY);
    if (requested.chart() != null) {
      check("chart", chart, chart, charts, "chart sources").ifPresent(problems::add);
    }
    String crdSource = requested.crdSource() == null ? null : requested.crdSource().trim();
    if (crdSource != null && !crdSource.equalsIgnoreCase(CrdSource.FROM_CHART)) {
      String read = crdSource.isEmpty() ? publicCrds(requested.targetVersion()) : crdSource;
      if (read != null) {
        check("crdSource", crdSource, read, crdSources, "CRD sources").ifPresent(problems::add);
      }
    }
    String agents = requested.agentCharts() == null ? null : requested.agentCharts().trim();
    if (agents != null && !agents.equalsIgnoreCase(RequestDefaults.AGENT_CHARTS_NONE)) {
      String read = agents.isEmpty() ? AgentChartLocations.besideControlPlaneChart(chart) : agents;
      check("agentCharts", agents, read, agentCharts, "agent chart locations")
          .ifPresent(problems::add);
    }
    String meshctl = requested.meshctlPath() == null ? "" : requested.meshctlPath().trim();
    if (!meshctl.isEmpty()) {
      check("meshctlPath", meshctl, meshctl, binaries, "binaries").ifPresent(problems::add);
    }
    for (int i = 0; i < requested.valuesFiles().size(); i++) {
      String file = requested.valuesFiles().get(i);
      check("helmValuesFiles[%d]".formatted(i), file, file, valuesFolders, "values folders")
          .ifPresent(problems::add);
    }
    return problems;
  }

  /** One line for the worker's start-up log: nothing in it is secret. */
  public String describe() {
    Function<List<SourceLocation>, String> list =
        l -> l.isEmpty() ? "none" : String.join(", ", l.stream().map(String::valueOf).toList());
    return "charts [%s], CRD sources [%s], agent charts [%s], values folders [%s], binaries [%s]"
        .formatted(
            list.apply(charts),
            list.apply(crdSources),
            list.apply(agentCharts),
            list.apply(valuesFolders),
            binaries.isEmpty() ? "meshctl on PATH only" : list.apply(binaries));
  }

  private static Optional<String> check(
      String field, String given, String read, List<SourceLocation> trusted, String what) {
    if (trusted.stream().anyMatch(t -> t.covers(read))) {
      return Optional.empty();
    }
    String resolved = given.equals(read) ? "" : " (which reads %s)".formatted(read);
    return Optional.of(
        "%s \"%s\"%s is outside the trusted %s (%s)"
            .formatted(
                field,
                given,
                resolved,
                what,
                trusted.isEmpty()
                    ? "none"
                    : String.join(", ", trusted.stream().map(String::valueOf).toList())));
  }

  private static String publicCrds(String targetVersion) {
    Semver version = targetVersion == null ? null : Semver.parse(targetVersion);
    return version == null ? null : CrdSource.publicBaseUrl(version);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static List<SourceLocation> locations(List<String> entries) {
    return entries.stream().map(SourceLocation::of).toList();
  }

  private static List<SourceLocation> plus(List<SourceLocation> list, SourceLocation more) {
    return Stream.concat(list.stream(), Stream.of(more)).distinct().toList();
  }
}
