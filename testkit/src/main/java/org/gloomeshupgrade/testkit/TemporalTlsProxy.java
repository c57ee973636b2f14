package org.gloomeshupgrade.testkit;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TLS endpoint on loopback in front of a plain-text Temporal server, as Temporal Cloud or a
 * cluster behind mTLS is to a client: it requires a client certificate signed by its CA, or an API
 * key in the {@code authorization} header, and forwards every call as it is.
 */
public final class TemporalTlsProxy implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel upstream;
  private final Server server;
  private final String apiKey;
  private final AtomicInteger refused = new AtomicInteger();
  private volatile CountDownLatch held = new CountDownLatch(0);

  private TemporalTlsProxy(
      String backend, ClusterCertificates certificates, boolean clientCertificate, String apiKey) {
    this.apiKey = apiKey;
    this.upstream = NettyChannelBuilder.forTarget(backend).usePlaintext().build();
    try {
      SslContextBuilder tls =
          GrpcSslContexts.configure(
                  SslContextBuilder.forServer(
                      certificates.serverCertificate().toFile(), certificates.serverKey().toFile()))
              .trustManager(certificates.ca().toFile())
              .clientAuth(clientCertificate ? ClientAuth.REQUIRE : ClientAuth.NONE);
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .sslContext(tls.build())
              .fallbackHandlerRegistry(new Forwarding())
              .build()
              .start();
    } catch (IOException e) {
      upstream.shutdownNow();
      throw new UncheckedIOException("cannot start the TLS endpoint", e);
    }
  }

  /** Requires a client certificate signed by the certificates' CA (mTLS). */
  public static TemporalTlsProxy requiringClientCertificate(
      String backend, ClusterCertificates certificates) {
    return new TemporalTlsProxy(backend, certificates, true, null);
  }

  /** Requires {@code authorization: Bearer <apiKey>} on every call, over TLS. */
  public static TemporalTlsProxy requiringApiKey(
      String backend, ClusterCertificates certificates, String apiKey) {
    return new TemporalTlsProxy(backend, certificates, false, apiKey);
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Holds every call from now until {@link #release()}: a Temporal that does not answer yet. */
  public void hold() {
    held = new CountDownLatch(1);
  }

  /** Forwards the held calls and every call after them. */
  public void release() {
    held.countDown();
  }

  /** Calls refused for a missing or wrong API key. */
  public int refused() {
    return refused.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    upstream.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    upstream.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Every method, whatever its name, forwarded as bytes. */
  private final class Forwarding extends HandlerRegistry {
    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setFullMethodName(methodName)
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setRequestMarshaller(Bytes.INSTANCE)
              .setResponseMarshaller(Bytes.INSTANCE)
              .build();
      return ServerMethodDefinition.create(method, new Forward(method));
    }
  }

  private final class Forward implements ServerCallHandler<byte[], byte[]> {
    private final MethodDescriptor<byte[], byte[]> method;

    Forward(MethodDescriptor<byte[], byte[]> method) {
      this.method = method;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> call, Metadata headers) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (apiKey != null && !("Bearer " + apiKey).equals(headers.get(AUTHORIZATION))) {
        refused.incrementAndGet();
        call.close(Status.UNAUTHENTICATED.withDescription("API key refused"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      CallOptions options = CallOptions.DEFAULT;
      if (Context.current().getDeadline() != null) {
        options = options.withDeadline(Context.current().getDeadline());
      }
      ClientCall<byte[], byte[]> out = upstream.newCall(method, options);
      // ServerCall and ClientCall are not thread-safe; each side's callbacks come on its own
      // thread.
      Object lock = new Object();
      out.start(
          new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata answer) {
              synchronized (lock) {
                call.sendHeaders(answer);
              }
            }

            @Override
            public void onMessage(byte[] message) {
              synchronized (lock) {
                call.sendMessage(message);
                out.request(1);
              }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              synchronized (lock) {
                call.close(status, trailers);
              }
            }
          },
          headers);
      synchronized (lock) {
        out.request(1);
        call.request(1);
      }
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          synchronized (lock) {
            out.sendMessage(message);
            call.request(1);
          }
        }

        @Override
        public void onHalfClose() {
          synchronized (lock) {
            out.halfClose();
          }
        }

        @Override
        public void onCancel() {
          synchronized (lock) {
            out.cancel("the client cancelled", null);
          }
        }
      };
    }
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
