package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class FreePortTest {

  @Test
  void aPortIsBelowTheEphemeralRangeBindableAndNeverHandedOutTwice() throws Exception {
    Set<Integer> picked = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      int port = FreePort.pick();
      assertThat(port).isLessThan(FreePort.ephemeralStart()).isGreaterThanOrEqualTo(15000);
      assertThat(picked.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = FreePort.pick();
    try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aPortSomethingListensOnIsPassedOver() throws Exception {
    // Below the ports pick() hands out, which the other test
    // has taken from and this JVM will not hand out again.
    int from = 14000 + ThreadLocalRandom.current().nextInt(100) * 10;
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int port = from; port < from + 10; port++) {
        try {
          held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
        } catch (IOException takenAlready) {
          // something else holds it: just as good
        }
      }
      assumeTrue(!held.isEmpty(), "no port of the slice could be bound");
      // Every port of the slice is held but one: that one is the only one to come back.
      ServerSocket released = held.remove(held.size() / 2);
      released.close();

      assertThat(FreePort.pick(from, from + 10)).isEqualTo(released.getLocalPort());
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  @Test
  void etcdAndTheApiServerLosingTheirPortAreToldApartFromOtherFailures() {
    assertThat(
            FreePort.lostItsPort(
                "etcd exited with 1 while starting:\n{\"level\":\"fatal\",\"msg\":\"discovery "
                    + "failed\",\"error\":\"listen tcp 127.0.0.1:43493: bind: address already in use\"}"))
        .isTrue();
    assertThat(
            FreePort.lostItsPort(
                "kube-apiserver of mgmt exited with 1 while starting:\nE1124 failed to listen on "
                    + "127.0.0.1:41234: listen tcp 127.0.0.1:41234: bind: address already in use"))
        .isTrue();
    assertThat(
            FreePort.lostItsPort(
                "etcd exited with 1 while starting:\nmember gmu has already been bootstrapped"))
        .isFalse();
  }
}
