package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that counts what it asks and what it is answered: the requests (method and URI) and the
 * bytes of the answers' bodies as the client reads them (after any decompression). For measuring
 * what a read costs, in benchmarks and in tests that hold a read to one request.
 */
public final class MeteredClient implements AutoCloseable {
  private final List<String> requests = new ArrayList<>();
  private final AtomicLong bytes = new AtomicLong();
  private final KubernetesClient client;

  public MeteredClient(Config config) {
    Interceptor meter =
        new Interceptor() {
          @Override
          public AsyncBody.Consumer<List<ByteBuffer>> consumer(
              AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
            synchronized (requests) {
              requests.add(request.method() + " " + request.uri());
            }
            return (buffers, body) -> {
              buffers.forEach(b -> bytes.addAndGet(b.remaining()));
              consumer.consume(buffers, body);
            };
          }
        };
    this.client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("meter", meter))
            .build();
  }

  public KubernetesClient client() {
    return client;
  }

  /** The requests since the last reset, as "METHOD uri". */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Body bytes read since the last reset. */
  public long bytes() {
    return bytes.get();
  }

  public void reset() {
    synchronized (requests) {
      requests.clear();
    }
    bytes.set(0);
  }

  @Override
  public void close() {
    client.close();
  }
}
