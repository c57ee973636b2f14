package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records each request, then answers it with an injected fault or lets the CRUD dispatcher handle
 * it. It implements the mock's own extension points so the mock server still treats it as
 * CRUD-capable.
 */
final class JournalingDispatcher extends Dispatcher implements Resetable, CustomResourceAware {

  private final KubernetesMixedDispatcher delegate;
  private final RequestJournal journal;
  private final FaultInjector faults;
  private final SimulatedAuthorizer authorizer;
  private final AtomicLong writes;

  /**
   * @param writes counts every request that may have changed state, so idle controllers can skip a
   *     round
   */
  JournalingDispatcher(
      KubernetesMixedDispatcher delegate,
      RequestJournal journal,
      FaultInjector faults,
      SimulatedAuthorizer authorizer,
      AtomicLong writes) {
    this.delegate = delegate;
    this.journal = journal;
    this.faults = faults;
    this.authorizer = authorizer;
    this.writes = writes;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    // getBytes() leaves the buffer readable; readUtf8()
    // would empty it before the CRUD handler sees it.
    Buffer buffer = request.getBody();
    byte[] bytes = buffer == null ? new byte[0] : buffer.getBytes();
    String userAgent = request.getHeader("User-Agent");
    RecordedCall call =
        journal.record(
            request.getMethod(),
            request.getPath(),
            new String(bytes, StandardCharsets.UTF_8),
            userAgent,
            request.getHeader("Content-Type"));
    if (!call.fromSimulator()) {
      faults.holdIfWanted(call);
    }
    MockResponse response = call.fromSimulator() ? null : faults.match(call.method(), call.path());
    if (response == null && authorizer.handles(call.method(), call.path())) {
      response = authorizer.answer(call.body());
    }
    if (response == null && call.isDryRun() && call.isMutating()) {
      // The CRUD mock ignores dryRun and would store the
      // object: answer as a server does, storing nothing.
      response =
          new MockResponse()
              .setResponseCode(call.method().equals("POST") ? 201 : 200)
              .setHeader("Content-Type", "application/json")
              .setBody(
                  call.method().equals("DELETE")
                      ? "{\"kind\":\"Status\",\"status\":\"Success\"}"
                      : call.body());
    }
    if (response == null) {
      if (call.isMutating()) {
        writes.incrementAndGet();
      }
      response = delegate.dispatch(request);
    }
    if (response != null) {
      call.responseCode(response.code());
    }
    return response;
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public void releaseResources() {
    delegate.releaseResources();
  }

  @Override
  public void reset() {
    delegate.reset();
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext rdc) {
    delegate.expectCustomResource(rdc);
  }
}
