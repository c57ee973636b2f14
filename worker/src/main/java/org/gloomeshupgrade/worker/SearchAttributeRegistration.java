package org.gloomeshupgrade.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Locale;
import java.util.Map;
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

  private SearchAttributeRegistration() {}

  public static void ensure(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    Map<String, IndexedValueType> missing = new TreeMap<>(UpgradeSearchAttributes.ALL);
    try {
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
        // Temporal's Java test server can add search
        // attributes but not list them: add them all there.
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
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
          throw e;
        }
      }
      log.info("worker: search attributes {} added to namespace {}", missing.keySet(), namespace);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the search attributes "
              + missing.keySet()
              + " are missing in namespace "
              + namespace
              + " and could not be added ("
              + e.getMessage()
              + "). Add them with: "
              + createCommand(namespace, missing),
          e);
    }
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
