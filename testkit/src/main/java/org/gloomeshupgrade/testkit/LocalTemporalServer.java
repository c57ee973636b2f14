package org.gloomeshupgrade.testkit;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Temporal's Java test server, bound to loopback only, in real time (no time skipping), so the demo
 * needs nothing installed and a second terminal can talk to it.
 */
public final class LocalTemporalServer implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;
  private final String address;

  private LocalTemporalServer(TestServicesStarter services, Server server, String address) {
    this.services = services;
    this.server = server;
    this.address = address;
  }

  public static LocalTemporalServer start(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    HealthStatusManager health = new HealthStatusManager();
    for (BindableService service : services.getServices()) {
      builder.addService(service);
      health.setStatus(
          service.bindService().getServiceDescriptor().getName(),
          HealthCheckResponse.ServingStatus.SERVING);
    }
    builder.addService(health.getHealthService());
    try {
      Server server = builder.build().start();
      return new LocalTemporalServer(services, server, "127.0.0.1:" + server.getPort());
    } catch (IOException e) {
      services.close();
      throw new IllegalStateException(
          "cannot listen on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "): is another Temporal server running there? Choose another port with --port");
    }
  }

  public String address() {
    return address;
  }

  @Override
  public void close() {
    server.shutdownNow();
    services.close();
  }
}
