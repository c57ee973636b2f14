package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.gloomeshupgrade.registration.RemoteAccessRole;
import org.junit.jupiter.api.Test;

/**
 * The shipped roles in deploy/rbac, read as files; what they allow is shown on real API servers.
 */
class DeployRbacTest {
  static final Path RBAC = Path.of("..", "deploy", "rbac");
  static final String REMOTE_GRANTS = "gloo-mesh-upgrade-remote-grants";

  /**
   * Registration gives Gloo Mesh's account the remote access role; Kubernetes lets the worker do so
   * without escalate and bind only if it holds every rule of it: the shipped role holding them is
   * exactly that role.
   */
  @Test
  void theWorkerHoldsOnRemoteClustersExactlyTheRulesItGrantsGlooMesh() throws IOException {
    ShippedRbac remote = ShippedRbac.read(RBAC.resolve("remote-cluster.yaml"));
    ShippedRbac.Grant[] expected =
        RemoteAccessRole.rules().stream()
            .flatMap(ShippedRbac::grants)
            .map(g -> g.inRole(REMOTE_GRANTS))
            .toArray(ShippedRbac.Grant[]::new);

    assertThat(remote.grants())
        .filteredOn(g -> g.role().equals(REMOTE_GRANTS))
        .containsExactlyInAnyOrder(expected);
    assertThat(remote.grants())
        .as("escalate or bind would let the worker grant anything")
        .noneMatch(g -> g.verb().equals("escalate") || g.verb().equals("bind"));
    assertThat(ShippedRbac.read(RBAC.resolve("management-cluster.yaml")).grants())
        .noneMatch(g -> g.verb().equals("escalate") || g.verb().equals("bind"));
  }
}
