package org.gloomeshupgrade.verify;

import java.util.List;

public record VerifyReport(List<VerifyCheck> checks) {
  public CheckLevel overall() {
    return checks.stream().map(VerifyCheck::level).max(Enum::compareTo).orElse(CheckLevel.GREEN);
  }
}
