package org.gloomeshupgrade.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a run's history against this version's workflow code, to learn before deploying a new "
          + "worker whether runs in flight would still fit it, and if not, at which event they part."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:deterministic: the code replays the history",
      "1:no verdict: the file cannot be read, is not a history, is of another workflow type, or the run cannot "
          + "be fetched",
      "3:non-deterministic: the code no longer fits the history; the event and the difference are printed"
    })
final class ReplayCommand implements Callable<Integer> {
  static final int NON_DETERMINISTIC = 3;

  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Parameters(
      arity = "0..1",
      paramLabel = "HISTORY.json",
      description =
          "A history as gmu history or temporal workflow show -o json write it; without it, the run named "
              + "by -w or --context is fetched from Temporal.")
  Path file;

  @Option(names = "--run-id", description = "With -w: a run other than the latest.")
  String runId;

  @Override
  public Integer call() throws Exception {
    String source;
    String json;
    if (file != null) {
      if (run.workflowId != null || run.context != null) {
        throw new IllegalArgumentException(
            "give a history file or a run (-w, --context), not both");
      }
      source = file.toString();
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        // No cause: the error handler prints the root cause, here only the path.
        throw new IllegalArgumentException("cannot read " + file + ": " + e);
      }
    } else {
      source = run.workflowId();
      try {
        json = HistoryCommand.export(temporal.client(), source, runId);
      } finally {
        temporal.close();
      }
    }
    String type = HistoryReplay.workflowType(json);
    Optional<HistoryReplay.Divergence> divergence =
        HistoryReplay.replay(json, HistoryReplay.workflowFor(type));
    System.out.println(render(source, type, HistoryReplay.terminated(json), divergence));
    return divergence.isEmpty() ? 0 : NON_DETERMINISTIC;
  }

  /**
   * @param terminated whether the run was terminated, whose last event is then not replayed
   */
  static String render(
      String source,
      String type,
      boolean terminated,
      Optional<HistoryReplay.Divergence> divergence) {
    // The verdict covers the history up to the termination,
    // and a reader should know the run did not end itself.
    String remark =
        terminated
            ? "; the run was terminated (its termination, which no workflow code commands, is "
                + "not replayed)"
            : "";
    if (divergence.isEmpty()) {
      return "deterministic: "
          + source
          + " ("
          + type
          + ") replays against the current workflow code"
          + remark;
    }
    HistoryReplay.Divergence d = divergence.get();
    StringBuilder out =
        new StringBuilder(
            "NON-DETERMINISTIC: "
                + source
                + " ("
                + type
                + ") does not replay against the current workflow code"
                + remark);
    if (!d.event().isEmpty()) {
      out.append(System.lineSeparator()).append("  at ").append(d.event());
    }
    if (!d.mismatch().isEmpty()) {
      out.append(System.lineSeparator()).append("  ").append(d.mismatch());
    }
    return out.append(System.lineSeparator()).append("  replayer: ").append(d.message()).toString();
  }
}
