package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Plays the service-account token controller on the mock: a Secret of type {@code
 * kubernetes.io/service-account-token} gets {@code token}, {@code ca.crt} and {@code namespace},
 * since registration creates such a Secret and waits for its token (Kubernetes 1.24 and later). The
 * mock accepts any token, so a random one does; real API servers run Kubernetes' own controller.
 */
final class TokenController {

  static final String TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";

  private final SecureRandom random = new SecureRandom();
  private final String caPem;

  TokenController(String caPem) {
    this.caPem = caPem;
  }

  void reconcile(KubernetesClient client) {
    // The mock ignores field selectors, so the type is filtered here.
    for (Secret secret : client.secrets().inAnyNamespace().list().getItems()) {
      if (!TOKEN_SECRET_TYPE.equals(secret.getType())) {
        continue;
      }
      Map<String, String> data = secret.getData();
      if (data != null && data.containsKey("token") && data.containsKey("ca.crt")) {
        continue;
      }
      String namespace = secret.getMetadata().getNamespace();
      String token = randomToken();
      String patch =
          Json.toJson(
              Json.map(
                  "data",
                  Json.map(
                      "token", base64(token),
                      "ca.crt", base64(caPem),
                      "namespace", base64(namespace))));
      client
          .secrets()
          .inNamespace(namespace)
          .withName(secret.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
  }

  private String randomToken() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return "gmu-simulated-token-" + HexFormat.of().formatHex(bytes);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
