package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port taken by another process between pick and bind (CI saw etcd fail so): etcd and the API
 * server are started again on another port, and the failed start's log is kept.
 */
class LostPortIT {

  @TempDir Path dir;

  @BeforeAll
  static void binaries() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
  }

  /** The held port first, then free ones: as if another process had taken the first port picked. */
  private static IntSupplier takenFirst(ServerSocket held) {
    AtomicBoolean first = new AtomicBoolean(true);
    return () -> first.getAndSet(false) ? held.getLocalPort() : FreePort.pick();
  }

  private static ServerSocket holdAPort() throws Exception {
    return new ServerSocket(FreePort.pick(), 1, InetAddress.getLoopbackAddress());
  }

  @Test
  void etcdThatLosesItsPortIsStartedAgainOnAnother() throws Exception {
    try (ServerSocket held = holdAPort();
        EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"), takenFirst(held))) {

      assertThat(etcd.url()).doesNotContain(":" + held.getLocalPort());
      assertThat(Files.readString(dir.resolve("etcd/etcd.log"))).contains("address already in use");
      assertThat(dir.resolve("etcd/etcd-2.log")).exists();
    }
  }

  @Test
  void anApiServerThatLosesItsPortIsStartedAgainOnAnotherAndAnswers() throws Exception {
    ClusterCertificates certificates = ClusterCertificates.create(dir.resolve("pki"));
    ClusterTokens tokens = ClusterTokens.create("mgmt");
    Path folder = dir.resolve("clusters/mgmt");
    try (ServerSocket held = holdAPort();
        EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"))) {
      ApiServerProcess first =
          ApiServerProcess.start("mgmt", folder, etcd, certificates, tokens, takenFirst(held));
      ApiServerProcess ready = first.awaitReady(certificates.caPem, tokens.admin());
      try {
        assertThat(first.url()).endsWith(":" + held.getLocalPort());
        assertThat(ready.url()).doesNotContain(":" + held.getLocalPort());
        assertThat(Files.readString(folder.resolve("kube-apiserver-lost-port-1.log")))
            .contains("address already in use");
        assertThat(ApiServerProcess.log(folder)).exists();
      } finally {
        first.close();
        ready.close();
      }
    }
  }
}
