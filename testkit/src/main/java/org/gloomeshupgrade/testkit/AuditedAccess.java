package org.gloomeshupgrade.testkit;

/**
 * One kind of request a real API server authorized, as RBAC sees it: who asked, the verb, the
 * resource (with its subresource, as in {@code deployments/scale}), where and on which object. Read
 * from the audit log, so a test can hold what code did against the roles it is meant to need.
 *
 * @param group the API group, "" for the core group
 * @param namespace "" for a cluster-scoped object or a request across all namespaces
 * @param name "" for a collection (create, list, watch, deletecollection)
 * @param code the status the server answered; 403 when RBAC refused it
 */
public record AuditedAccess(
    String user,
    String verb,
    String group,
    String resource,
    String namespace,
    String name,
    int code) {

  /** True when RBAC let the request through, whatever the server answered then. */
  public boolean authorized() {
    return code != 403;
  }

  @Override
  public String toString() {
    String where = namespace.isEmpty() ? "cluster-wide" : "in " + namespace;
    return "%s %s/%s%s %s (%d)"
        .formatted(
            verb,
            group.isEmpty() ? "core" : group,
            resource,
            name.isEmpty() ? "" : " " + name,
            where,
            code);
  }
}
