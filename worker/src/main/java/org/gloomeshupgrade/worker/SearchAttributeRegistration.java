package org.gloomeshupgrade.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the namespace has the search attributes runs upsert. A run that upserts an attribute
 * the namespace lacks fails its workflow task on every attempt, so a worker that cannot make sure
 * of them does not start.
 */
public final class SearchAttributeRegistration {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistration.class);

  /** Failures that mean Temporal was not reached, or refused the worker's credentials. */
  private static final Set<Status.Code> UNREACHED =
      EnumSet.of(
          Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED, Status.Code.DEADLINE_EXCEEDED);

  private SearchAttributeRegistration() {}

  public static void ensure(WorkflowServiceStubs service, String namespace) {
    // The workflow service's options, so that the operator calls carry its API key and TLS too.
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(service.getOptions())
                .validateAndBuildWithDefaults());
    try {
      ensure(operator, namespace);
    } finally {
      operator.shutdown();
    }
  }

  private static void ensure(OperatorServiceStubs operator, String namespace) {
    Map<String, IndexedValueType> missing = new TreeMap<>(UpgradeSearchAttributes.ALL);
    try {
      missing
          .keySet()
          .removeAll(
              operator
                  .blockingStub()
                  .listSearchAttributes(
                      ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
                  .getCustomAttributesMap()
                  .keySet());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (UNREACHED.contains(code)) {
        // Not about search attributes: the worker's own message names the connection.
        throw e;
      }
      // Temporal's Java test server can add search
      // attributes but not list them: add them all there.
      if (code != Status.Code.UNIMPLEMENTED) {
        throw refused(namespace, missing, e);
      }
    }
    if (missing.isEmpty()) {
      log.info(
          "worker: search attributes {} present in namespace {}",
          UpgradeSearchAttributes.ALL.keySet(),
          namespace);
      return;
    }
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(missing)
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw refused(namespace, missing, e);
      }
    }
    log.info("worker: search attributes {} added to namespace {}", missing.keySet(), namespace);
  }

  private static IllegalStateException refused(
      String namespace, Map<String, IndexedValueType> missing, RuntimeException e) {
    return new IllegalStateException(
        "the search attributes %s are missing in namespace %s and could not be added (%s). %s"
            .formatted(missing.keySet(), namespace, e.getMessage(), howToAdd(namespace, missing)),
        e);
  }

  /** How a person with operator rights adds every one of them. */
  public static String howToAdd(String namespace) {
    return howToAdd(namespace, UpgradeSearchAttributes.ALL);
  }

  private static String howToAdd(String namespace, Map<String, IndexedValueType> attributes) {
    StringBuilder cloud = new StringBuilder("tcld namespace search-attributes add -n " + namespace);
    attributes.forEach(
        (name, type) -> cloud.append(" --sa \"%s=%s\"".formatted(name, cliType(type))));
    return """
        Add them with: %s; on Temporal Cloud with: %s (or Terraform's \
        temporalcloud_namespace_search_attribute), then start the worker with \
        --no-search-attribute-setup if it lacks the rights to list them."""
        .formatted(createCommand(namespace, attributes), cloud);
  }

  /** The Temporal CLI command that adds them, each with its type. */
  static String createCommand(String namespace, Map<String, IndexedValueType> attributes) {
    StringBuilder command =
        new StringBuilder("temporal operator search-attribute create --namespace " + namespace);
    attributes.forEach(
        (name, type) ->
            command.append(" --name ").append(name).append(" --type ").append(cliType(type)));
    return command.toString();
  }

  /** The Temporal CLI's name of a type: Keyword, Bool, Datetime, Int, Double, Text, KeywordList. */
  private static String cliType(IndexedValueType type) {
    String upper = type.name().replaceFirst("^INDEXED_VALUE_TYPE_", "");
    StringBuilder name = new StringBuilder();
    for (String word : upper.split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
