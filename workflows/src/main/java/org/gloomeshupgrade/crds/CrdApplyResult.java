package org.gloomeshupgrade.crds;

import java.util.List;

/**
 * @param source where the CRDs were read from
 * @param created names of CRDs that did not exist
 * @param updated names of CRDs that were replaced
 * @param convertedFromV1beta1 true when the manifests were converted to apiextensions.k8s.io/v1
 */
public record CrdApplyResult(
    String source, List<String> created, List<String> updated, boolean convertedFromV1beta1) {}
