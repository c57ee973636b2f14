package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.temporal.TemporalConnection;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's start-up check of the search attributes, against a Temporal operator service that
 * answers as told.
 */
class SearchAttributeRegistrationTest {
  private final Operator operator = new Operator();
  private Server server;
  private WorkflowServiceStubs service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Lists what it has; refuses every add with {@code addRefusal}, else records it. */
  private static final class Operator extends OperatorServiceGrpc.OperatorServiceImplBase {
    volatile Map<String, IndexedValueType> present = Map.of();
    volatile Status addRefusal;
    volatile Status listRefusal;
    final List<AddSearchAttributesRequest> adds = new CopyOnWriteArrayList<>();
    final List<ListSearchAttributesRequest> lists = new CopyOnWriteArrayList<>();

    @Override
    public void listSearchAttributes(
        ListSearchAttributesRequest request,
        StreamObserver<ListSearchAttributesResponse> response) {
      lists.add(request);
      if (listRefusal != null) {
        response.onError(listRefusal.asRuntimeException());
        return;
      }
      response.onNext(
          ListSearchAttributesResponse.newBuilder().putAllCustomAttributes(present).build());
      response.onCompleted();
    }

    @Override
    public void addSearchAttributes(
        AddSearchAttributesRequest request, StreamObserver<AddSearchAttributesResponse> response) {
      if (addRefusal != null) {
        response.onError(addRefusal.asRuntimeException());
        return;
      }
      adds.add(request);
      response.onNext(AddSearchAttributesResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  /** Enough of the workflow service for a worker to start: its namespace exists. */
  private static final class Frontend extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    @Override
    public void getSystemInfo(
        GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      response.onNext(GetSystemInfoResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void describeNamespace(
        DescribeNamespaceRequest request, StreamObserver<DescribeNamespaceResponse> response) {
      response.onNext(DescribeNamespaceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private String serve() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(operator)
            .addService(new Frontend())
            .build()
            .start();
    return "127.0.0.1:" + server.getPort();
  }

  private WorkflowServiceStubs connect() throws Exception {
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(serve()).build());
    return service;
  }

  @Test
  void onlyTheMissingAttributesAreAddedEachWithItsType() throws Exception {
    operator.present =
        Map.of(
            UpgradeSearchAttributes.TARGET_VERSION.getName(),
                IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
            UpgradeSearchAttributes.STEP.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
            UpgradeSearchAttributes.STATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

    SearchAttributeRegistration.ensure(connect(), "prod");

    assertThat(operator.adds)
        .singleElement()
        .satisfies(
            add -> {
              assertThat(add.getNamespace()).isEqualTo("prod");
              assertThat(add.getSearchAttributesMap())
                  .containsExactly(
                      Map.entry(
                          UpgradeSearchAttributes.APPROVAL_OVERDUE.getName(),
                          IndexedValueType.INDEXED_VALUE_TYPE_BOOL));
            });
  }

  @Test
  void nothingIsAddedWhenTheNamespaceHasThemAll() throws Exception {
    operator.present = UpgradeSearchAttributes.ALL;

    SearchAttributeRegistration.ensure(connect(), "prod");

    assertThat(operator.adds).isEmpty();
  }

  @Test
  void aNamespaceThatRefusesThemStopsTheCheckNamingTheCommandToAddThem() throws Exception {
    operator.addRefusal = Status.PERMISSION_DENIED.withDescription("not an admin");

    assertThatThrownBy(() -> SearchAttributeRegistration.ensure(connect(), "prod"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not be added (PERMISSION_DENIED: not an admin)")
        .hasMessageContaining("temporal operator search-attribute create --namespace prod")
        .hasMessageContaining("--name GlooMeshApprovalOverdue --type Bool")
        .hasMessageContaining("--name GlooMeshState --type Keyword")
        .hasMessageContaining(
            "tcld namespace search-attributes add -n prod --sa \"GlooMeshApprovalOverdue=Bool\"")
        .hasMessageContaining("--no-search-attribute-setup");
  }

  @Test
  void withoutTheSetUpTheWorkerStartsWhereItMayNotEvenListThem(@TempDir Path dir) throws Exception {
    operator.listRefusal = Status.PERMISSION_DENIED.withDescription("not an admin");
    WorkerSettings settings =
        new WorkerSettings(
            TemporalConnection.plain(serve(), "prod"),
            UpgradeNames.TASK_QUEUE,
            UnreachableKubeconfig.write(dir),
            "mgmt",
            null,
            null,
            BackupActivitiesImpl.DEFAULT_KEEP,
            TrustedSources.defaults(),
            false);

    try (UpgradeWorker worker = UpgradeWorker.start(settings)) {
      assertThat(operator.lists).isEmpty();
      assertThat(operator.adds).isEmpty();
    }
  }

  @Test
  void theWorkerDoesNotStartWhenTheAttributesCannotBeAdded(@TempDir Path dir) throws Exception {
    operator.addRefusal = Status.PERMISSION_DENIED.withDescription("not an admin");
    Path kubeconfig = UnreachableKubeconfig.write(dir);
    assertThatThrownBy(
            () ->
                UpgradeWorker.start(
                    new WorkerSettings(
                        serve(), "prod", UpgradeNames.TASK_QUEUE, kubeconfig, "mgmt")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing in namespace prod and could not be added");
    assertThat(operator.adds).isEmpty();
  }
}
