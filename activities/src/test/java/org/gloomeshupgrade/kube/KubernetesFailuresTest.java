package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.Test;

class KubernetesFailuresTest {
  private static ApplicationFailure translated(Status status) {
    return KubernetesFailures.translate(
        new KubernetesClientException(status), "scaling deployment gloo-mesh/networking", "mgmt");
  }

  private static Status status(int code, Integer retryAfterSeconds) {
    StatusBuilder status = new StatusBuilder().withCode(code).withMessage("slow down");
    if (retryAfterSeconds != null) {
      status.withNewDetails().withRetryAfterSeconds(retryAfterSeconds).endDetails();
    }
    return status.build();
  }

  @Test
  void aThrottledRequestIsRetriedWhenTheApiServersRetryAfterSays() {
    ApplicationFailure failure = translated(status(429, 7));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(FailureTypes.SERVER_ERROR);
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "429 Too Many Requests while scaling deployment gloo-mesh/networking on cluster mgmt:"
                + " slow down. Retrying after 7 s, as the API server asks.");
  }

  @Test
  void aRetryAfterLongerThanAMinuteIsCutToAMinute() {
    assertThat(translated(status(429, 3600)).getNextRetryDelay()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aThrottledRequestWithoutRetryAfterAndOtherServerErrorsUseTheActivitysBackoff() {
    assertThat(translated(status(429, null)).getNextRetryDelay()).isNull();
    assertThat(translated(status(429, null)).isNonRetryable()).isFalse();
    for (int code : new int[] {409, 500, 503}) {
      ApplicationFailure failure = translated(status(code, 5));
      assertThat(failure.isNonRetryable()).as("%d", code).isFalse();
      assertThat(failure.getNextRetryDelay()).as("%d", code).isNull();
    }
  }

  @Test
  void aLostConnectionNamesItsCauseAndIsRetried() {
    ApplicationFailure failure =
        KubernetesFailures.translate(
            new KubernetesClientException(
                "An error has occurred.",
                new java.io.IOException(new java.net.SocketException("Connection reset"))),
            "writing backup Secret gloo-mesh/gmu-backup-1-0",
            "mgmt");

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "No answer while writing backup Secret gloo-mesh/gmu-backup-1-0 on cluster mgmt: the"
                + " request may or may not have been applied (SocketException: Connection reset)."
                + " Retrying with backoff.");
  }

  @Test
  void errorsNoRetryCanFixAreNotRetried() {
    for (int code : new int[] {400, 401, 403, 404, 422}) {
      assertThat(translated(status(code, null)).isNonRetryable()).as("%d", code).isTrue();
    }
  }
}
