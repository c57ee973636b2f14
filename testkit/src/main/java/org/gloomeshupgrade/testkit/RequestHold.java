package org.gloomeshupgrade.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A request the simulated API server keeps unanswered until the test releases it, as a server that
 * stops answering does: the client waits in that call, and the test acts meanwhile (kills the
 * worker, for example). Once released the request is handled as any other.
 */
public final class RequestHold {
  /** However the test ends, a held request is answered after this, so no server thread is lost. */
  private static final Duration MOST = Duration.ofMinutes(5);

  private final Predicate<RecordedCall> when;
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile RecordedCall call;

  RequestHold(Predicate<RecordedCall> when) {
    this.when = when;
  }

  /** The held request, once one arrived within the wait. */
  public Optional<RecordedCall> awaitHeld(Duration wait) throws InterruptedException {
    return held.await(wait.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(call)
        : Optional.empty();
  }

  /** Lets the held request (or the next matching one) through. */
  public void release() {
    released.countDown();
  }

  /** True when this hold takes the request; called in the order requests arrive. */
  boolean takes(RecordedCall candidate) {
    return call == null && released.getCount() > 0 && when.test(candidate);
  }

  /** Blocks the server's thread for this request until released. */
  void hold(RecordedCall taken) {
    call = taken;
    held.countDown();
    try {
      released.await(MOST.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
