package org.gloomeshupgrade.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.Map;

/**
 * Rewrites an {@code apiextensions.k8s.io/v1beta1} CustomResourceDefinition as {@code
 * apiextensions.k8s.io/v1}, the way the API server itself maps the two versions. Kubernetes 1.22
 * and later only serve v1, and every Gloo Mesh CRD up to 1.0 is published as v1beta1.
 *
 * <p>The work is done on the JSON tree rather than on the two fabric8 models: the schema must come
 * out exactly as it went in, and a tree copy cannot drop or reshape a field the models do not know.
 */
public final class CrdManifestConverter {
  public static final String GROUP = "apiextensions.k8s.io";
  public static final String V1 = GROUP + "/v1";
  public static final String V1BETA1 = GROUP + "/v1beta1";
  public static final String KIND = "CustomResourceDefinition";
  static final String PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CrdManifestConverter() {}

  /** True for a CustomResourceDefinition manifest of either apiextensions version. */
  public static boolean isCrd(JsonNode manifest) {
    return manifest != null
        && manifest.isObject()
        && KIND.equals(manifest.path("kind").asText())
        && manifest.path("apiVersion").asText().startsWith(GROUP + "/");
  }

  public static boolean isV1beta1(JsonNode manifest) {
    return isCrd(manifest) && V1BETA1.equals(manifest.path("apiVersion").asText());
  }

  /** The typed form of {@link #toV1(JsonNode)}. */
  public static io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition convert(
      io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition crd) {
    JsonNode tree = SERIALIZATION.convertValue(crd, JsonNode.class);
    return SERIALIZATION.convertValue(
        toV1(tree),
        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
  }

  /**
   * Returns the v1 form of a CRD manifest. A v1 manifest comes back as an unchanged copy; anything
   * that is not a CRD is refused.
   */
  public static ObjectNode toV1(JsonNode manifest) {
    if (!isCrd(manifest)) {
      throw new IllegalArgumentException(
          "not a CustomResourceDefinition: apiVersion="
              + manifest.path("apiVersion").asText()
              + " kind="
              + manifest.path("kind").asText());
    }
    if (!isV1beta1(manifest)) {
      return ((ObjectNode) manifest).deepCopy();
    }
    String name = manifest.path("metadata").path("name").asText();
    JsonNode spec = manifest.path("spec");
    if (!spec.isObject()) {
      throw new IllegalArgumentException("CRD " + name + " has no spec");
    }

    ObjectNode out = NODES.objectNode();
    out.put("apiVersion", V1);
    out.put("kind", KIND);
    out.set("metadata", metadata(manifest.path("metadata")));

    ObjectNode v1Spec = out.putObject("spec");
    copy(spec, v1Spec, "group");
    copy(spec, v1Spec, "names");
    copy(spec, v1Spec, "scope");
    v1Spec.set("versions", versions(name, (ObjectNode) spec));
    v1Spec.set("conversion", conversion(spec.path("conversion")));
    return out;
  }

  /**
   * Only what identifies and describes the CRD; server-owned fields would make the write fail or
   * conflict.
   */
  private static ObjectNode metadata(JsonNode metadata) {
    ObjectNode out = NODES.objectNode();
    copy(metadata, out, "name");
    copy(metadata, out, "labels");
    copy(metadata, out, "annotations");
    return out;
  }

  private static ArrayNode versions(String crdName, ObjectNode spec) {
    ArrayNode declared;
    if (spec.path("versions").isArray() && !spec.path("versions").isEmpty()) {
      declared = (ArrayNode) spec.get("versions");
    } else if (spec.hasNonNull("version")) {
      // Before spec.versions existed the single spec.version was both served and stored.
      declared = NODES.arrayNode();
      declared
          .addObject()
          .put("name", spec.get("version").asText())
          .put("served", true)
          .put("storage", true);
    } else {
      throw new IllegalArgumentException(
          "CRD " + crdName + " names no version (spec.versions and spec.version are empty)");
    }

    JsonNode topSchema = spec.path("validation").path("openAPIV3Schema");
    JsonNode topSubresources = spec.path("subresources");
    JsonNode topColumns = spec.path("additionalPrinterColumns");
    // v1beta1 defaults preserveUnknownFields to true: only
    // an explicit false means "prune unknown fields".
    boolean preserveUnknown =
        !spec.has("preserveUnknownFields") || spec.get("preserveUnknownFields").asBoolean(true);

    ArrayNode out = NODES.arrayNode();
    for (JsonNode version : declared) {
      ObjectNode v = NODES.objectNode();
      v.put("name", version.path("name").asText());
      v.put("served", version.path("served").asBoolean(true));
      v.put("storage", version.path("storage").asBoolean(false));
      copy(version, v, "deprecated");
      copy(version, v, "deprecationWarning");

      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (!schema.isObject()) {
        schema = topSchema;
      }
      v.putObject("schema").set("openAPIV3Schema", schema(schema, preserveUnknown));

      JsonNode subresources =
          version.path("subresources").isObject() ? version.get("subresources") : topSubresources;
      if (subresources.isObject()) {
        v.set("subresources", subresources.deepCopy());
      }

      JsonNode columns =
          version.path("additionalPrinterColumns").isArray()
              ? version.get("additionalPrinterColumns")
              : topColumns;
      if (columns.isArray()) {
        v.set("additionalPrinterColumns", printerColumns((ArrayNode) columns));
      }
      out.add(v);
    }
    if (out.size() == 1 && !out.get(0).path("storage").asBoolean()) {
      // A lone version is always the storage version; v1 insists on saying so.
      ((ObjectNode) out.get(0)).put("storage", true);
    }
    return out;
  }

  private static ObjectNode schema(JsonNode schema, boolean preserveUnknown) {
    if (!schema.isObject()) {
      // v1 needs a schema on every version; this one
      // accepts anything, as a schema-less v1beta1 CRD did.
      ObjectNode open = NODES.objectNode();
      open.put("type", "object");
      open.put(PRESERVE_UNKNOWN_FIELDS, true);
      return open;
    }
    ObjectNode copy = ((ObjectNode) schema).deepCopy();
    if (preserveUnknown) {
      if (!copy.has("type")) {
        copy.put("type", "object");
      }
      preserveAtEveryLevel(copy);
    }
    return copy;
  }

  /**
   * v1beta1's preserveUnknownFields kept unknown fields at every depth; in v1 the marker keeps them
   * only at the level it is on, and a real server prunes below it. So every object-typed level gets
   * it.
   */
  private static void preserveAtEveryLevel(ObjectNode node) {
    if ("object".equals(node.path("type").asText()) || node.has("properties")) {
      node.put(PRESERVE_UNKNOWN_FIELDS, true);
    }
    node.path("properties")
        .forEach(
            child -> {
              if (child instanceof ObjectNode o) {
                preserveAtEveryLevel(o);
              }
            });
    JsonNode items = node.path("items");
    if (items instanceof ObjectNode o) {
      preserveAtEveryLevel(o);
    } else if (items.isArray()) {
      items.forEach(
          item -> {
            if (item instanceof ObjectNode o) {
              preserveAtEveryLevel(o);
            }
          });
    }
    if (node.path("additionalProperties") instanceof ObjectNode o) {
      preserveAtEveryLevel(o);
    }
  }

  private static ArrayNode printerColumns(ArrayNode columns) {
    ArrayNode out = NODES.arrayNode();
    for (JsonNode column : columns) {
      ObjectNode c = NODES.objectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = column.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        c.set(
            "JSONPath".equals(field.getKey()) ? "jsonPath" : field.getKey(),
            field.getValue().deepCopy());
      }
      out.add(c);
    }
    return out;
  }

  private static ObjectNode conversion(JsonNode conversion) {
    ObjectNode out = NODES.objectNode();
    if (!"Webhook".equals(conversion.path("strategy").asText())) {
      out.put("strategy", "None");
      return out;
    }
    out.put("strategy", "Webhook");
    ObjectNode webhook = out.putObject("webhook");
    copy(conversion, webhook, "webhookClientConfig", "clientConfig");
    JsonNode reviewVersions = conversion.path("conversionReviewVersions");
    if (reviewVersions.isArray() && !reviewVersions.isEmpty()) {
      webhook.set("conversionReviewVersions", reviewVersions.deepCopy());
    } else {
      // The v1beta1 default; v1 has none and requires the list.
      webhook.putArray("conversionReviewVersions").add("v1beta1");
    }
    return out;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    copy(from, to, field, field);
  }

  private static void copy(JsonNode from, ObjectNode to, String field, String as) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(as, value.deepCopy());
    }
  }
}
