package org.gloomeshupgrade.cli;

import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;
import org.gloomeshupgrade.temporal.TemporalRefusals;

/** Error messages a person can act on. */
final class CliErrors {
  private CliErrors() {}

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof WorkflowNotFoundException) {
        break;
      }
      root = root.getCause();
    }
    if (e instanceof WorkflowNotFoundException || root instanceof WorkflowNotFoundException) {
      return "no such upgrade run: " + e.getMessage();
    }
    if (e instanceof WorkflowUpdateException && root instanceof ApplicationFailure af) {
      return "refused: " + af.getOriginalMessage();
    }
    Optional<StatusRuntimeException> temporal = TemporalRefusals.find(e);
    if (temporal.isPresent() && !(root instanceof ApplicationFailure)) {
      return TemporalRefusals.explain(temporal.get(), "the one given")
          + "; see gmu --help for --address, --namespace, --api-key-file and the --tls options";
    }
    if (root instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
