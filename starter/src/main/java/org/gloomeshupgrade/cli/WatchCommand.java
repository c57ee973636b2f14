package org.gloomeshupgrade.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow an upgrade as it runs: each step with its state and time, what is awaited, discovery and "
          + "networking progress, until the run ends or needs a person.",
      "On a terminal the picture is redrawn; otherwise (a CI log) only the lines that changed are printed."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the run finished: SUCCEEDED or DRY_RUN_COMPLETE",
      "1:the run ended otherwise (FINISHED_WITH_PROBLEMS, REJECTED, FAILED, ABORTED, ROLLED_BACK, CANCELLED), or watching failed",
      "2:the run waits for a person (WAITING_FOR_APPROVAL, NEEDS_ATTENTION); the last line is the command "
          + "that answers"
    })
final class WatchCommand implements Callable<Integer> {
  /** Home, then clear to the end: the next frame replaces the last one without scrolling. */
  static final String REDRAW = "\033[H\033[2J";

  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;
  @Mixin WatchInterval interval;

  interface Pause {
    void sleep(Duration d) throws InterruptedException;
  }

  @Override
  public Integer call() throws Exception {
    Duration every = interval.duration();
    String id = run.workflowId();
    try {
      return follow(temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, id), every);
    } finally {
      temporal.close();
    }
  }

  /**
   * Whether standard output is a terminal, to redraw on. From Java 22 there is a console even for a
   * log, and only Console.isTerminal, which Java 17 lacks, tells them apart.
   */
  // The null check is for Java 17 to 21; from 22, isTerminal below decides.
  @SuppressWarnings("SystemConsoleNull")
  static boolean onTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      // Before Java 22 a console is there only on a terminal.
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * Follows a run on this process's standard output, redrawing when that is a terminal; returns the
   * exit code.
   */
  static int follow(GlooMeshUpgradeWorkflow run, Duration interval) throws InterruptedException {
    return follow(
        run::status,
        System.out,
        onTerminal(),
        interval,
        Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis()));
  }

  /**
   * Asks for the status until the run ends or needs a person, showing each change; returns the exit
   * code.
   */
  static int follow(
      Supplier<UpgradeStatus> status,
      PrintStream out,
      boolean terminal,
      Duration interval,
      Clock clock,
      Pause pause)
      throws InterruptedException {
    String shown = "";
    while (true) {
      UpgradeStatus s = status.get();
      Optional<WatchEnd> end = WatchEnd.of(s.state());
      // In a log, a clock ticking on the running step would change a line every poll.
      String frame = WatchView.frame(s, terminal && end.isEmpty() ? clock.instant() : null);
      if (terminal) {
        if (!frame.equals(shown)) {
          out.print(REDRAW + frame + System.lineSeparator());
        }
      } else {
        WatchView.changedLines(shown, frame).forEach(out::println);
      }
      out.flush();
      shown = frame;
      if (end.isPresent()) {
        out.println(WatchView.ending(s, end.get()));
        return end.get().exitCode;
      }
      pause.sleep(interval);
    }
  }
}
