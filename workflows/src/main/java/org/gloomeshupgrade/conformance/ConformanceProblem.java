package org.gloomeshupgrade.conformance;

/**
 * @param path JSON path of the offending field, "$" for the whole resource
 */
public record ConformanceProblem(
    String kind, String namespace, String name, String path, String problem, String hint) {}
