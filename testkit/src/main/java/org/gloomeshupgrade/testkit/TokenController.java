package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Plays the service-account token controller: a Secret of type {@code
 * kubernetes.io/service-account-token} gets {@code token}, {@code ca.crt} and {@code namespace},
 * since registration creates such a Secret and waits for its token (Kubernetes 1.24 and later).
 */
final class TokenController {

  static final String TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";

  /** How long a token minted on a real API server is valid: longer than any test or demo runs. */
  private static final long TOKEN_SECONDS = 24 * 3600;

  private final SecureRandom random = new SecureRandom();
  private final String caPem;
  private final boolean realApiServer;

  /**
   * @param realApiServer true to mint real tokens through the TokenRequest API, which that server
   *     then accepts; the mock accepts any token, so a random one does there
   */
  TokenController(String caPem, boolean realApiServer) {
    this.caPem = caPem;
    this.realApiServer = realApiServer;
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
      String token = realApiServer ? mint(client, secret) : randomToken();
      if (token == null) {
        continue;
      }
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

  /** A token for the secret's service account, or null while that account does not exist yet. */
  private static String mint(KubernetesClient client, Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String account =
        annotations == null ? null : annotations.get("kubernetes.io/service-account.name");
    String namespace = secret.getMetadata().getNamespace();
    if (account == null
        || client.serviceAccounts().inNamespace(namespace).withName(account).get() == null) {
      return null;
    }
    return client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(account)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(TOKEN_SECONDS)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
