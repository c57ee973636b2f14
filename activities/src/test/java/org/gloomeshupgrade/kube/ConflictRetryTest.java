package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {

  @Test
  void aConflictIsTriedAgainUntilTheWriteGoesThrough() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        ConflictRetry.onConflict(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new KubernetesClientException("the object has been modified", 409, null);
              }
              return "written";
            });

    assertThat(result).isEqualTo("written");
    assertThat(calls).hasValue(3);
  }

  @Test
  void conflictsThatDoNotStopAreGivenUpOnAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();

    KubernetesClientException e =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                ConflictRetry.onConflict(
                    () -> {
                      calls.incrementAndGet();
                      throw new KubernetesClientException(
                          "the object has been modified", 409, null);
                    }));

    assertThat(e.getCode()).isEqualTo(409);
    assertThat(calls).hasValue(ConflictRetry.ATTEMPTS);
  }

  @Test
  void otherErrorsAreNotRetriedHere() {
    AtomicInteger calls = new AtomicInteger();

    KubernetesClientException e =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                ConflictRetry.onConflict(
                    () -> {
                      calls.incrementAndGet();
                      throw new KubernetesClientException("invalid", 422, null);
                    }));

    assertThat(e.getCode()).isEqualTo(422);
    assertThat(calls).hasValue(1);
  }
}
