package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.utils.Utils;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster the worker runs in, reached with its pod's service account: the API server from
 * {@code KUBERNETES_SERVICE_HOST} and {@code _PORT}, the token and CA from the files Kubernetes
 * mounts into the pod. Found the way fabric8's own in-cluster configuration finds them, including
 * its overrides ({@code kubernetes.auth.serviceAccount.token}, {@code kubernetes.certs.ca.file}, as
 * system properties or variables).
 *
 * @param host the API server's host
 * @param port its port
 * @param tokenFile the service account token, which the kubelet rotates in place
 * @param caFile the cluster's CA; null when the pod has none (fabric8 then uses the JVM's trust)
 */
public record InClusterAccess(String host, String port, Path tokenFile, Path caFile) {

  /** The pod's service account, or a refusal naming what is missing. */
  public static InClusterAccess fromPod(String contextName) {
    String host = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_SERVICE_HOST_PROPERTY);
    String port = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_SERVICE_PORT_PROPERTY);
    Path token =
        Path.of(
            Utils.getSystemPropertyOrEnvVar(
                Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY,
                Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH));
    Path ca =
        Path.of(
            Utils.getSystemPropertyOrEnvVar(
                Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY,
                Config.KUBERNETES_SERVICE_ACCOUNT_CA_CRT_PATH));
    if (host == null || host.isBlank() || port == null || port.isBlank()) {
      throw new IllegalArgumentException(
          """
          in-cluster context "%s" needs the pod's KUBERNETES_SERVICE_HOST and \
          KUBERNETES_SERVICE_PORT, which are not set: is the worker running in a pod?"""
              .formatted(contextName));
    }
    if (!Files.isReadable(token)) {
      throw new IllegalArgumentException(
          """
          in-cluster context "%s" needs the pod's service account token at %s, which is not \
          readable: set automountServiceAccountToken: true on the pod or its ServiceAccount"""
              .formatted(contextName, token));
    }
    return new InClusterAccess(host, port, token, Files.isReadable(ca) ? ca : null);
  }

  public String serverUrl() {
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * fabric8's in-cluster configuration: it reads the token again when it changes (the kubelet
   * rotates bound tokens about hourly). A kubeconfig the worker was given must not take its place,
   * which fabric8 would otherwise prefer.
   */
  public Config fabric8Config() {
    System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    Config config = Config.autoConfigure(null);
    String expected = serverUrl();
    String got = config.getMasterUrl();
    if (got == null || !got.startsWith(expected)) {
      throw new IllegalStateException(
          "fabric8's in-cluster configuration chose %s, not %s".formatted(got, expected));
    }
    return config;
  }

  /**
   * A kubeconfig naming the files, not their contents, for the tools that take a kubeconfig (Helm,
   * meshctl): both read {@code tokenFile} again as it rotates, and no credential is copied.
   */
  public String kubeconfigYaml(String contextName) {
    ConfigBuilder config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withCurrentContext(contextName)
            .addNewCluster()
            .withName(contextName)
            .withNewCluster()
            .withServer(serverUrl())
            .withCertificateAuthority(caFile == null ? null : caFile.toAbsolutePath().toString())
            .endCluster()
            .endCluster()
            .addNewUser()
            .withName(contextName)
            .withNewUser()
            .withTokenFile(tokenFile.toAbsolutePath().toString())
            .endUser()
            .endUser()
            .addNewContext()
            .withName(contextName)
            .withNewContext()
            .withCluster(contextName)
            .withUser(contextName)
            .endContext()
            .endContext();
    return Serialization.asYaml(config.build());
  }
}
