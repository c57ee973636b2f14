package org.gloomeshupgrade.testkit;

/** How an injected fault answers a request. */
public enum FaultKind {
  /** An error status with a Kubernetes Status body; the request never reaches the API server. */
  STATUS,
  /** The API server handles the request; the connection is reset before its answer is sent. */
  RESET,
  /** The API server handles the request; its answer is held past the client's timeout. */
  TIMEOUT
}
