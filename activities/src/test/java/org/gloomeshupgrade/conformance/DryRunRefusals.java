package org.gloomeshupgrade.conformance;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real API server refuses in an object: the fields it names when a server-side dry-run
 * create fails.
 */
final class DryRunRefusals {
  /** oneOf and allOf failures come with no field ("<nil>") and name it in their message. */
  private static final Pattern FIELD_IN_MESSAGE = Pattern.compile("\"([^\"]+)\" must validate ");

  private DryRunRefusals() {}

  /** Empty when the server accepts the object; the fields it names otherwise (422). */
  static Set<String> fields(
      KubernetesClient client, ResourceDefinitionContext context, GenericKubernetesResource r) {
    try {
      client
          .genericKubernetesResources(context)
          .inNamespace(r.getMetadata().getNamespace())
          .resource(r)
          .dryRun()
          .create();
      return new TreeSet<>();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 422) {
        throw e;
      }
      Set<String> fields = new TreeSet<>();
      e.getStatus().getDetails().getCauses().forEach(cause -> fields.add(field(cause)));
      return fields;
    }
  }

  private static String field(StatusCause cause) {
    if (cause.getField() != null && !cause.getField().equals("<nil>")) {
      return cause.getField();
    }
    Matcher named = FIELD_IN_MESSAGE.matcher(cause.getMessage());
    return named.find() ? named.group(1) : cause.getField() + ": " + cause.getMessage();
  }
}
