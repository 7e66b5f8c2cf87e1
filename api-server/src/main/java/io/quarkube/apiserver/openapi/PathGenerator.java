package io.quarkube.apiserver.openapi;

import static io.quarkube.apiserver.openapi.Operations.operation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Locale;

/**
 * The {@code paths} of one group-version document, laid out like upstream's: per resource the collection, item,
 * all-namespaces and watch paths, and one path per subresource. Every operation names its kind in
 * {@code x-kubernetes-group-version-kind}, which kubectl explain uses to find a resource's schema and kubectl's
 * field validation check uses to find the PATCH operation of a kind.
 */
final class PathGenerator {
  private static final String STATUS = SchemaNames.META + "Status";
  private static final String DELETE_OPTIONS = SchemaNames.META + "DeleteOptions";
  private static final String WATCH_EVENT = SchemaNames.META + "WatchEvent";

  /** A kind a subresource speaks, and the Fabric8 class of its schema (null for the connect option kinds). */
  private record Kind(String group, String version, String kind, Class<?> type) {}

  private final SchemaGenerator schemas;
  private final String group;
  private final String version;
  private final String prefix;
  private final String tag;
  private final String idPrefix;
  private final ObjectNode paths = Json.MAPPER.createObjectNode();

  PathGenerator(SchemaGenerator schemas, String group, String version) {
    this.schemas = schemas;
    this.group = group;
    this.version = version;
    this.prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    String title = groupTitle(group);
    this.tag = Character.toLowerCase(title.charAt(0)) + title.substring(1) + "_" + version;
    this.idPrefix = title + capitalize(version);
  }

  /** Adds the paths of every resource and returns them. */
  ObjectNode paths(List<ResourceDefinition> defs) {
    ObjectNode root = operation(tag, "get available resources", "get" + idPrefix + "APIResources", "get");
    root.remove("x-kubernetes-action");
    Operations.response(root, "200", "OK", schemas.add(io.fabric8.kubernetes.api.model.APIResourceList.class));
    Operations.unauthorized(root);
    paths.putObject(prefix + "/").set("get", root);
    for (ResourceDefinition d : defs) {
      resource(d);
    }
    return paths;
  }

  private void resource(ResourceDefinition d) {
    String kindSchema = schemas.add(d.type());
    String listSchema = listSchema(d);
    String ns = d.namespaced() ? "Namespaced" : "";
    String collection = prefix + (d.namespaced() ? "/namespaces/{namespace}/" : "/") + d.resource();
    String item = collection + "/{name}";
    Kind kind = new Kind(d.group(), d.version(), d.kind(), d.type());

    // Only the verbs the resource serves, as upstream installs them: reviews and bindings are POST alone,
    // componentstatuses and the metrics GET alone.
    List<String> verbs = d.verbs();
    if (verbs.contains("list") || verbs.contains("create")) {
      ObjectNode coll = path(collection, false, d.namespaced(), false);
      if (verbs.contains("list")) {
        ObjectNode list = op("list or watch objects of kind " + d.kind(), "list" + idPrefix + ns + d.kind(), "list",
            kind);
        Operations.queryParameters(list, Operations.LIST_PARAMS);
        Operations.listResponse(list, listSchema);
        coll.set("get", done(list));
      }
      if (verbs.contains("create")) {
        ObjectNode create = op("create " + article(d.kind()), "create" + idPrefix + ns + d.kind(), "post", kind);
        Operations.queryParameters(create, Operations.WRITE_PARAMS);
        Operations.objectBody(create, kindSchema, true);
        Operations.response(create, "200", "OK", kindSchema);
        Operations.response(create, "201", "Created", kindSchema);
        Operations.response(create, "202", "Accepted", kindSchema);
        coll.set("post", done(create));
      }
      if (verbs.contains("deletecollection") && !isNamespaces(d)) {
        ObjectNode dc = op("delete collection of " + d.kind(), "delete" + idPrefix + "Collection" + ns + d.kind(),
            "deletecollection", kind);
        Operations.queryParameters(dc, Operations.DELETE_COLLECTION_PARAMS);
        Operations.objectBody(dc, schemas.add(io.fabric8.kubernetes.api.model.DeleteOptions.class), false);
        Operations.response(dc, "200", "OK", schemas.add(io.fabric8.kubernetes.api.model.Status.class));
        coll.set("delete", done(dc));
      }
    }

    if (verbs.contains("get")) {
      ObjectNode one = path(item, true, d.namespaced(), false);
      ObjectNode read = op("read the specified " + d.kind(), "read" + idPrefix + ns + d.kind(), "get", kind);
      Operations.response(read, "200", "OK", kindSchema);
      one.set("get", done(read));
      if (verbs.contains("update")) {
        one.set("put", replace("replace the specified " + d.kind(), "replace" + idPrefix + ns + d.kind(), kind,
            kindSchema));
      }
      if (verbs.contains("patch")) {
        one.set("patch", patch("partially update the specified " + d.kind(), "patch" + idPrefix + ns + d.kind(),
            kind, kindSchema));
      }
      if (verbs.contains("delete")) {
        ObjectNode delete = op("delete " + article(d.kind()), "delete" + idPrefix + ns + d.kind(), "delete", kind);
        Operations.queryParameters(delete, Operations.DELETE_PARAMS);
        Operations.objectBody(delete, schemas.add(io.fabric8.kubernetes.api.model.DeleteOptions.class), false);
        Operations.response(delete, "200", "OK", kindSchema);
        Operations.response(delete, "202", "Accepted", kindSchema);
        one.set("delete", done(delete));
      }
    }

    if (verbs.contains("watch")) {
      String watchBase = prefix + "/watch" + (d.namespaced() ? "/namespaces/{namespace}/" : "/") + d.resource();
      watch(watchBase, false, d.namespaced(), "watch" + idPrefix + ns + d.kind() + "List", "watchlist", kind);
      watch(watchBase + "/{name}", true, d.namespaced(), "watch" + idPrefix + ns + d.kind(), "watch", kind);
    }
    if (d.namespaced() && verbs.contains("list")) {
      ObjectNode all = path(prefix + "/" + d.resource(), false, false, false);
      ObjectNode listAll = op("list or watch objects of kind " + d.kind(),
          "list" + idPrefix + d.kind() + "ForAllNamespaces", "list", kind);
      Operations.queryParameters(listAll, Operations.LIST_PARAMS);
      Operations.listResponse(listAll, listSchema);
      all.set("get", done(listAll));
      if (verbs.contains("watch")) {
        watch(prefix + "/watch/" + d.resource(), false, false,
            "watch" + idPrefix + d.kind() + "ListForAllNamespaces", "watchlist", kind);
      }
    }
    for (String sub : d.subresources()) {
      subresource(d, item + "/" + sub, sub, kind, kindSchema);
    }
  }

  private void subresource(ResourceDefinition d, String path, String sub, Kind parent, String kindSchema) {
    String id = idPrefix + (d.namespaced() ? "Namespaced" : "") + d.kind() + capitalize(sub);
    String what = sub + " of the specified " + d.kind();
    switch (sub) {
      case "status", "ephemeralcontainers", "resize" -> getReplacePatch(d, path, id, what, parent, kindSchema);
      case "scale" -> {
        Kind scale = new Kind("autoscaling", "v1", "Scale",
            io.fabric8.kubernetes.api.model.autoscaling.v1.Scale.class);
        getReplacePatch(d, path, id, what, scale, schemas.add(scale.type()));
      }
      case "finalize" -> path(path, true, d.namespaced(), false)
          .set("put", replace("replace " + what, "replace" + id, parent, kindSchema));
      case "eviction" -> create(d, path, id, what, new Kind("policy", "v1", "Eviction",
          io.fabric8.kubernetes.api.model.policy.v1.Eviction.class));
      case "binding" -> create(d, path, id, what, new Kind("", "v1", "Binding",
          io.fabric8.kubernetes.api.model.Binding.class));
      case "token" -> create(d, path, id, what, new Kind("authentication.k8s.io", "v1", "TokenRequest",
          io.fabric8.kubernetes.api.model.authentication.TokenRequest.class));
      case "log" -> {
        ObjectNode log = op("read log of the specified " + d.kind(), "read" + id, "get", parent);
        Operations.queryParameters(log, List.of("container", "follow", "insecureSkipTLSVerifyBackend",
            "limitBytes", "previous", "sinceSeconds", "tailLines", "timestamps"));
        Operations.textResponse(log);
        path(path, true, d.namespaced(), false).set("get", done(log));
      }
      case "exec", "attach", "portforward", "proxy" -> connect(d, path, sub);
      default -> getReplacePatch(d, path, id, what, parent, kindSchema);
    }
  }

  private void getReplacePatch(ResourceDefinition d, String path, String id, String what, Kind kind,
      String schema) {
    ObjectNode p = path(path, true, d.namespaced(), false);
    ObjectNode read = op("read " + what, "read" + id, "get", kind);
    Operations.response(read, "200", "OK", schema);
    p.set("get", done(read));
    p.set("put", replace("replace " + what, "replace" + id, kind, schema));
    p.set("patch", patch("partially update " + what, "patch" + id, kind, schema));
  }

  private void create(ResourceDefinition d, String path, String id, String what, Kind kind) {
    String schema = schemas.add(kind.type());
    ObjectNode create = op("create " + what, "create" + id, "post", kind);
    Operations.queryParameters(create, Operations.WRITE_PARAMS);
    Operations.objectBody(create, schema, true);
    Operations.response(create, "200", "OK", schema);
    Operations.response(create, "201", "Created", schema);
    Operations.response(create, "202", "Accepted", schema);
    path(path, true, d.namespaced(), false).set("post", done(create));
  }

  /** exec, attach, port-forward and proxy: upgraded or proxied connections, upstream's "connect" action. */
  private void connect(ResourceDefinition d, String path, String sub) {
    String optionsKind = switch (sub) {
      case "exec" -> "PodExecOptions";
      case "attach" -> "PodAttachOptions";
      case "portforward" -> "PodPortForwardOptions";
      default -> d.kind() + "ProxyOptions";
    };
    Kind kind = new Kind("", "v1", optionsKind, null);
    List<String> params = switch (sub) {
      case "exec" -> List.of("command", "container", "stderr", "stdin", "stdout", "tty");
      case "attach" -> List.of("container", "stderr", "stdin", "stdout", "tty");
      case "portforward" -> List.of("ports");
      default -> List.of("path");
    };
    List<String> methods = sub.equals("proxy") ? List.of("get", "put", "post", "delete", "options", "head", "patch")
        : List.of("get", "post");
    String ns = d.namespaced() ? "Namespaced" : "";
    ObjectNode p = path(path, true, d.namespaced(), false);
    ObjectNode sp = sub.equals("proxy") ? path(path + "/{path}", true, d.namespaced(), true) : null;
    for (String m : methods) {
      String id = "connect" + idPrefix + capitalize(m) + ns + d.kind() + capitalize(sub);
      ObjectNode o = op("connect " + m.toUpperCase(Locale.ROOT) + " requests to " + sub + " of " + d.kind(), id,
          "connect", kind);
      Operations.queryParameters(o, params);
      Operations.textResponse(o);
      p.set(m, done(o));
      if (sp != null) {
        ObjectNode withPath = o.deepCopy();
        withPath.put("operationId", id + "WithPath");
        ((ArrayNode) withPath.get("parameters")).removeAll();
        sp.set(m, withPath);
      }
    }
  }

  private ObjectNode replace(String description, String id, Kind kind, String schema) {
    ObjectNode put = op(description, id, "put", kind);
    Operations.queryParameters(put, Operations.WRITE_PARAMS);
    Operations.objectBody(put, schema, true);
    Operations.response(put, "200", "OK", schema);
    Operations.response(put, "201", "Created", schema);
    return done(put);
  }

  private ObjectNode patch(String description, String id, Kind kind, String schema) {
    schemas.add(io.fabric8.kubernetes.api.model.Patch.class);
    ObjectNode patch = op(description, id, "patch", kind);
    Operations.queryParameters(patch, Operations.PATCH_PARAMS);
    Operations.patchBody(patch);
    Operations.response(patch, "200", "OK", schema);
    Operations.response(patch, "201", "Created", schema);
    return done(patch);
  }

  private void watch(String path, boolean named, boolean namespaced, String id, String action, Kind kind) {
    ObjectNode w = op("watch changes to objects of kind " + kind.kind(), id, action, kind);
    Operations.queryParameters(w, Operations.LIST_PARAMS);
    schemas.add(io.fabric8.kubernetes.api.model.WatchEvent.class);
    Operations.listResponse(w, WATCH_EVENT);
    path(path, named, namespaced, false).set("get", done(w));
  }

  private ObjectNode op(String description, String id, String action, Kind kind) {
    ObjectNode o = operation(tag, description, id, action);
    Operations.groupVersionKind(o, kind.group(), kind.version(), kind.kind());
    return o;
  }

  private static ObjectNode done(ObjectNode op) {
    Operations.unauthorized(op);
    // upstream writes the action and kind extensions after the standard fields
    ObjectNode gvk = (ObjectNode) op.remove("x-kubernetes-group-version-kind");
    String action = op.remove("x-kubernetes-action").asText();
    op.put("x-kubernetes-action", action);
    if (gvk != null) {
      op.set("x-kubernetes-group-version-kind", gvk);
    }
    return op;
  }

  private ObjectNode path(String path, boolean named, boolean namespaced, boolean subPath) {
    if (!paths.has(path)) {
      ObjectNode p = paths.putObject(path);
      p.set("parameters", Operations.pathParameters(named, namespaced, subPath));
    }
    return (ObjectNode) paths.get(path);
  }

  private String listSchema(ResourceDefinition d) {
    try {
      return schemas.add(Class.forName(d.type().getName() + "List", false, d.type().getClassLoader()));
    } catch (ClassNotFoundException e) {
      return schemas.add(d.type());
    }
  }

  private static boolean isNamespaces(ResourceDefinition d) {
    return d.group().isEmpty() && d.resource().equals("namespaces");
  }

  /** {@code Core} for the core group, {@code RbacAuthorization} for rbac.authorization.k8s.io, as upstream. */
  static String groupTitle(String group) {
    if (group.isEmpty()) {
      return "Core";
    }
    StringBuilder b = new StringBuilder();
    for (String part : group.replace(".k8s.io", "").split("\\.")) {
      b.append(capitalize(part));
    }
    return b.toString();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String article(String kind) {
    return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }
}
