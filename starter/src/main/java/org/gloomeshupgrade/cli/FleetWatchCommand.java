package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a fleet as it runs, a row per wave and plane, until it ends or waits for a person.",
      "On a terminal the picture is redrawn; otherwise (a CI log) only the lines that changed are printed."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the fleet SUCCEEDED",
      "1:the fleet ended otherwise (STOPPED, FAILED, FINISHED_WITH_PROBLEMS), its run closed before it "
          + "finished (terminated, for example), or watching failed",
      "2:the fleet waits for a person: it is HALTED, a wave waits for approval, or (per-plane approval) "
          + "a plane does; the last line is the command that answers"
    })
final class FleetWatchCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin FleetSelector fleet;
  @Mixin WatchInterval interval;

  @Override
  public Integer call() throws Exception {
    Duration every = interval.duration();
    try {
      WorkflowClient client = temporal.client();
      String namespace = temporal.namespace();
      return follow(
          () -> FleetView.read(client, fleet, namespace),
          System.out,
          WatchCommand.onTerminal(),
          every,
          d -> Thread.sleep(d.toMillis()));
    } finally {
      temporal.close();
    }
  }

  /**
   * Reads the fleet until it ends or waits for a person, showing each change; returns the exit
   * code.
   */
  static int follow(
      Supplier<FleetView> view,
      PrintStream out,
      boolean terminal,
      Duration interval,
      WatchCommand.Pause pause)
      throws InterruptedException {
    String shown = "";
    while (true) {
      FleetView v = view.get();
      Optional<WatchEnd> end = FleetWatchView.end(v);
      String frame = FleetStatusRenderer.render(v);
      if (terminal) {
        if (!frame.equals(shown)) {
          out.print(WatchCommand.REDRAW + frame + System.lineSeparator());
        }
      } else {
        WatchView.changedLines(shown, frame).forEach(out::println);
      }
      out.flush();
      shown = frame;
      if (end.isPresent()) {
        out.println(FleetWatchView.ending(v, end.get()));
        return end.get().exitCode;
      }
      pause.sleep(interval);
    }
  }
}
