package org.gloomeshupgrade.fleet;

import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;

/**
 * Publishes the fleet after every change of its record: the Temporal UI's current details (a row
 * per wave and plane), the search attributes GlooMeshTargetVersion and GlooMeshState (the fleet's
 * state), and, once a wave has soaked, the waves a later run need not soak again, in the memo. An
 * upsert is a command, so each is upserted only when it changed.
 */
final class FleetPublisher {
  private final FleetBook book;
  private final List<String> soaked = new ArrayList<>();
  private String searchAttributesPublished = "";

  FleetPublisher(FleetBook book) {
    this.book = book;
  }

  void start(FleetResume resume) {
    if (resume != null) {
      soaked.addAll(resume.soakedWaves());
    }
    book.onChange(this::publish);
  }

  /** Kept in the memo, so that `gmu fleet resume` does not soak it again. */
  void soaked(FleetBook.Wave wave) {
    if (soaked.contains(wave.spec.name())) {
      return;
    }
    soaked.add(wave.spec.name());
    Workflow.upsertMemo(Map.of(UpgradeNames.MEMO_FLEET_PROGRESS, new FleetProgress(soaked)));
  }

  private void publish() {
    FleetStatus now = book.snapshot();
    Workflow.setCurrentDetails(FleetDetails.markdown(now));
    if (now.targetVersion().isEmpty()) {
      return;
    }
    String published = now.targetVersion() + "/" + now.state();
    if (published.equals(searchAttributesPublished)) {
      return;
    }
    searchAttributesPublished = published;
    Workflow.upsertTypedSearchAttributes(
        UpgradeSearchAttributes.TARGET_VERSION.valueSet(now.targetVersion()),
        UpgradeSearchAttributes.STATE.valueSet(now.state().name()));
  }
}
