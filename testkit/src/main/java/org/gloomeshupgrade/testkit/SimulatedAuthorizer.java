package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers SelfSubjectAccessReviews like an RBAC authorizer that allows everything but what a test
 * denies. The mock server alone echoes reviews without an answer, so permission checks could never
 * fail.
 */
public final class SimulatedAuthorizer {
  static final String REVIEWS_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  private final Set<String> denied = ConcurrentHashMap.newKeySet();

  /**
   * Denies a verb on a resource, in every namespace.
   *
   * @param group API group, "" for the core group
   * @param resource plural resource name, for example "meshes"
   */
  public SimulatedAuthorizer deny(String verb, String group, String resource) {
    denied.add(key(verb, group, resource));
    return this;
  }

  public void allowAll() {
    denied.clear();
  }

  boolean handles(String method, String path) {
    return "POST".equals(method) && path.startsWith(REVIEWS_PATH);
  }

  MockResponse answer(String body) {
    try {
      ObjectNode review = (ObjectNode) Json.JSON.readTree(body);
      JsonNode attributes = review.path("spec").path("resourceAttributes");
      boolean deny =
          denied.contains(
              key(
                  attributes.path("verb").asText(),
                  attributes.path("group").asText(),
                  attributes.path("resource").asText()));
      ObjectNode status = review.putObject("status");
      status.put("allowed", !deny);
      if (deny) {
        status.put("denied", true);
        status.put("reason", "denied by the simulated RBAC authorizer");
      }
      return new MockResponse()
          .setResponseCode(201)
          .setHeader("Content-Type", "application/json")
          .setBody(Json.JSON.writeValueAsString(review));
    } catch (IOException | ClassCastException e) {
      return FaultInjector.statusResponse(400, "not a SelfSubjectAccessReview: " + e.getMessage());
    }
  }

  private static String key(String verb, String group, String resource) {
    return verb + " " + group + "/" + resource;
  }
}
