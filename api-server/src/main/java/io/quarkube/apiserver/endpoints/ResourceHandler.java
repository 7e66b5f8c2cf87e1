package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.quarkube.apiserver.admission.AdmissionChain;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.admission.AdmissionRequest.Operation;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.DeleteOptions;
import io.quarkube.apiserver.registry.DeleteResult;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.ListPage;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.Written;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;
import io.quarkube.apiserver.watch.WatchStream;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The verbs of a resource URL: get, list, watch, create, update, patch, delete, deletecollection, and the
 * subresources served by the store itself (status, scale, binding, finalize).
 */
public final class ResourceHandler {
  private static final Set<String> STORE_SUBRESOURCES = Set.of("status", "scale", "binding", "finalize",
      "ephemeralcontainers");

  private final Registry registry;
  private final AdmissionChain admission;
  private final Responses responses;
  private final BodyDecoder bodies;
  private final Patcher patcher;
  private final Clock clock;
  private final Map<String, ExtensionHandler> extensions;

  public ResourceHandler(Registry registry, AdmissionChain admission, Responses responses, BodyDecoder bodies,
      Patcher patcher, Clock clock, Map<String, ExtensionHandler> extensions) {
    this.extensions = extensions;
    this.registry = registry;
    this.admission = admission;
    this.responses = responses;
    this.bodies = bodies;
    this.patcher = patcher;
    this.clock = clock;
  }

  public void handle(RoutingContext ctx, RequestInfo info, UserInfo user) {
    ResourceDefinition def = registry.catalog().find(info.group(), info.version(), info.resource())
        .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
    String sub = info.subresource();
    ExtensionHandler extension = extensions.get(def.group() + "/" + def.resource() + (sub == null ? "" : "/" + sub));
    if (extension != null) {
      extension.handle(ctx, def, info, user);
      return;
    }
    if (def.group().isEmpty() && def.resource().equals("bindings")) {
      bindings(ctx, info, user);
      return;
    }
    if (def.isVirtual()) {
      if (!"create".equals(info.verb()) || info.name() != null) {
        throw ApiException.methodNotSupported(def.group(), def.resource(), info.verb());
      }
      throw ApiException.serviceUnavailable(def.groupResource() + " is not served yet");
    }
    GenericStore<HasMetadata> store = registry.store(def);
    if (def.namespaced() && info.namespace() == null && info.name() != null) {
      throw ApiException.notFoundPath(ctx.request().path());
    }
    if (!def.namespaced() && info.namespace() != null) {
      throw ApiException.notFoundPath(ctx.request().path());
    }
    if (sub != null && (!def.subresources().contains(sub) || !STORE_SUBRESOURCES.contains(sub))) {
      if (def.subresources().contains(sub)) {
        throw ApiException.serviceUnavailable("the " + sub + " subresource of " + def.resource()
            + " is not served yet");
      }
      throw ApiException.notFoundPath(ctx.request().path());
    }
    MultiMap q = ctx.queryParams();
    boolean dryRun = q.getAll("dryRun").contains("All");
    switch (info.verb()) {
      case "get" -> get(ctx, def, store, info);
      case "list" -> list(ctx, def, store, info);
      case "watch" -> watch(ctx, def, store, info);
      case "create" -> create(ctx, def, store, info, user, dryRun);
      case "update" -> update(ctx, def, store, info, user, dryRun);
      case "patch" -> patch(ctx, def, store, info, user, dryRun);
      case "delete" -> delete(ctx, def, store, info, user, dryRun);
      case "deletecollection" -> deleteCollection(ctx, def, store, info, user, dryRun);
      default -> throw ApiException.methodNotSupported(def.group(), def.resource(), info.verb());
    }
  }

  // ---------------------------------------------------------------- reads

  private void get(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info) {
    HasMetadata obj = store.get(info.namespace(), info.name());
    if ("scale".equals(info.subresource())) {
      responses.object(ctx, 200, Scales.toScale(def, obj), def);
      return;
    }
    responses.object(ctx, 200, obj, def);
  }

  private void list(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info) {
    if (info.subresource() != null) {
      throw ApiException.methodNotSupported(def.group(), def.resource(), "list");
    }
    ListOptions options = listOptions(ctx.queryParams(), store);
    if (options.limit() <= 0 && Responses.streams(ctx)) {
      // Item by item from the store into the response: a list of 10,000 pods is never held whole.
      responses.streamList(ctx, def, new StoreListSource(store, info.namespace(), options));
      return;
    }
    MediaTypes.Output out = MediaTypes.output(ctx.request().getHeader("Accept"));
    if (out == MediaTypes.Output.JSON) {
      // One page (a limit: kubectl asks for 500 at a time): its items as stored, the resourceVersion put back, as
      // the streamed lists do; decoding and encoding each again took ~2.5 times the CPU.
      List<byte[]> items = new ArrayList<>();
      ListPage<HasMetadata> page = store.list(info.namespace(), options,
          itemsAsJson(items::add, item -> items.add(Json.bytes(item))));
      responses.encodedJsonList(ctx, def, items, page);
      return;
    }
    if (out == MediaTypes.Output.TABLE) {
      // kubectl get's pages: each row made from the stored JSON's tree as the item is read, so only the rows are
      // held until the continue token is known (holding every item's tree first made a page of 10,000 pods take
      // seconds of garbage collection).
      java.util.function.UnaryOperator<ObjectNode> row = responses.tableRows(ctx, def);
      List<ObjectNode> rows = new ArrayList<>();
      ListPage<HasMetadata> page = store.list(info.namespace(), options,
          itemsAsJson(json -> rows.add(row.apply(Json.treeOf(json))), item -> rows.add(row.apply(Json.tree(item)))));
      responses.tableOfRows(ctx, def, rows, page);
      return;
    }
    ListPage<HasMetadata> page = store.list(info.namespace(), options);
    responses.list(ctx, def, page);
  }

  /**
   * A sink that takes each item as its stored JSON (resourceVersion put back) where the store can give it, else
   * decoded (an item a selector looked at).
   */
  private static GenericStore.ListSink<HasMetadata> itemsAsJson(java.util.function.Consumer<byte[]> json,
      java.util.function.Consumer<HasMetadata> decoded) {
    return new GenericStore.ListSink<>() {
      @Override
      public void start(long resourceVersion) {}

      @Override
      public void item(HasMetadata item) {
        decoded.accept(item);
      }

      @Override
      public boolean takesJson() {
        return true;
      }

      @Override
      public void itemJson(byte[] bytes) {
        json.accept(bytes);
      }
    };
  }

  /** A store's list as the source of a streamed response. */
  private record StoreListSource(GenericStore<HasMetadata> store, String namespace, ListOptions options)
      implements Responses.ListSource {
    @Override
    public ListPage<HasMetadata> list(GenericStore.ListSink<HasMetadata> sink) {
      return store.list(namespace, options, sink);
    }

    @Override
    public Responses.ListSource at(long resourceVersion) {
      return new StoreListSource(store, namespace, new ListOptions(options.labels(), options.fields(), 0, null,
          Long.toString(resourceVersion), "Exact"));
    }
  }

  private void watch(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info) {
    MultiMap q = ctx.queryParams();
    ListOptions options = listOptions(q, store);
    String rv = q.get("resourceVersion");
    long from = rv == null || rv.isEmpty() || rv.equals("0") ? 0 : GenericStore.parseRevision(rv);
    String namespace = info.namespace();
    ListOptions filter = options;
    if (info.name() != null) {
      // GET .../pods/x?watch=1 watches one object: the same as a field selector on its name.
      filter = new ListOptions(options.labels(), FieldSelector.parse("metadata.name=" + info.name(),
          store.selectableFields(), def.kind()), 0, null, null, null);
    }
    long timeout = parseLong(q.get("timeoutSeconds"), 0);
    boolean bookmarks = "true".equals(q.get("allowWatchBookmarks"));
    new WatchStream(ctx, def, store, responses, namespace, filter, from, timeout, bookmarks).start();
  }

  static ListOptions listOptions(MultiMap q, GenericStore<HasMetadata> store) {
    validateResourceVersionMatch(q);
    return new ListOptions(LabelSelector.parse(q.get("labelSelector")),
        FieldSelector.parse(q.get("fieldSelector"), store.selectableFields(), store.definition().kind()),
        parseLong(q.get("limit"), 0), q.get("continue"), q.get("resourceVersion"), q.get("resourceVersionMatch"));
  }

  /** Upstream's ValidateListOptions for {@code resourceVersionMatch}: a 422 on ListOptions.meta.k8s.io. */
  static void validateResourceVersionMatch(MultiMap q) {
    String match = q.get("resourceVersionMatch");
    if (match == null || match.isEmpty()) {
      return;
    }
    List<io.quarkube.apiserver.errors.FieldError> errors = new ArrayList<>();
    String rv = q.get("resourceVersion");
    String field = "resourceVersionMatch";
    if ("true".equals(q.get("watch")) || "1".equals(q.get("watch"))) {
      errors.add(io.quarkube.apiserver.errors.FieldError.forbidden(field, "resourceVersionMatch is forbidden for watch"));
    }
    if (rv == null || rv.isEmpty()) {
      errors.add(io.quarkube.apiserver.errors.FieldError.forbidden(field,
          "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    }
    String cont = q.get("continue");
    if (cont != null && !cont.isEmpty()) {
      errors.add(io.quarkube.apiserver.errors.FieldError.forbidden(field,
          "resourceVersionMatch is forbidden when continue is provided"));
    }
    if (!"Exact".equals(match) && !"NotOlderThan".equals(match)) {
      errors.add(io.quarkube.apiserver.errors.FieldError.notSupported(field, match,
          List.of("Exact", "NotOlderThan", "")));
    }
    if ("Exact".equals(match) && "0".equals(rv)) {
      errors.add(io.quarkube.apiserver.errors.FieldError.forbidden(field,
          "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid("meta.k8s.io", "ListOptions", "", errors);
    }
  }

  // ---------------------------------------------------------------- writes

  private void create(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info,
      UserInfo user, boolean dryRun) {
    if ("binding".equals(info.subresource())) {
      bind(ctx, def, store, info, bodies.decode(ctx), user, dryRun);
      return;
    }
    if (info.name() != null) {
      throw ApiException.methodNotSupported(def.group(), def.resource(), "create");
    }
    JsonNode body = bodies.decode(ctx);
    HasMetadata decoded = bodies.toObject(body, def, ctx, store.strategy());
    HasMetadata obj = admission.admit(new AdmissionRequest(Operation.CREATE, def, info.namespace(),
        decoded.getMetadata() == null ? null : decoded.getMetadata().getName(), null, decoded, user, dryRun));
    responses.written(ctx, 201, store.createWritten(info.namespace(), obj, dryRun, fieldManager(ctx)), def);
  }

  private void update(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info,
      UserInfo user, boolean dryRun) {
    if (info.name() == null) {
      throw ApiException.methodNotSupported(def.group(), def.resource(), "update");
    }
    JsonNode body = bodies.decode(ctx);
    String sub = info.subresource();
    if ("scale".equals(sub)) {
      HasMetadata updated = Scales.update(def, store, info.namespace(), info.name(), body, dryRun);
      responses.object(ctx, 200, Scales.toScale(def, updated), def);
      return;
    }
    HasMetadata obj = admission.admit(new AdmissionRequest(Operation.UPDATE, def, info.namespace(), info.name(),
        sub, bodies.toObject(body, def, ctx, store.strategy()), user, dryRun));
    Written<HasMetadata> updated;
    if ("finalize".equals(sub)) {
      updated = store.guaranteedUpdateWritten(info.namespace(), info.name(), obj.getMetadata().getResourceVersion(),
          sub, dryRun, null, current -> Finalize.apply(current, obj));
    } else {
      updated = store.updateWritten(info.namespace(), info.name(), obj, sub, dryRun, fieldManager(ctx));
    }
    responses.written(ctx, 200, updated, def);
  }

  private void patch(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info,
      UserInfo user, boolean dryRun) {
    if (info.name() == null) {
      throw ApiException.methodNotSupported(def.group(), def.resource(), "patch");
    }
    String contentType = MediaTypes.contentType(ctx.request().getHeader("Content-Type"));
    JsonNode patch = bodies.decodePatch(ctx, contentType);
    String sub = info.subresource();
    if ("scale".equals(sub)) {
      HasMetadata updated = Scales.patch(def, store, info.namespace(), info.name(), patch, contentType, patcher,
          dryRun);
      responses.object(ctx, 200, Scales.toScale(def, updated), def);
      return;
    }
    if (MediaTypes.APPLY_PATCH.equals(contentType)) {
      serverSideApply(ctx, def, store, info, user, patch, dryRun);
      return;
    }
    Written<HasMetadata> updated = store.guaranteedUpdateWritten(info.namespace(), info.name(), null, sub, dryRun,
        fieldManager(ctx), current -> {
      ObjectNode patched = patcher.apply(Json.tree(current), patch, contentType, def);
      Patcher.requireUnchangedResourceVersion(def, info.name(), current, patched);
      HasMetadata next = bodies.toObject(patched, def, ctx, store.strategy());
      return admission.admit(new AdmissionRequest(Operation.UPDATE, def, info.namespace(), info.name(), sub, next,
          current, user, dryRun));
    });
    responses.written(ctx, 200, updated, def);
  }

  /**
   * Server-side apply: the configuration is merged into the live object by field ownership (creating it when it
   * does not exist, 201), and conflicts with other managers are a 409 unless {@code force=true}.
   */
  private void serverSideApply(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store,
      RequestInfo info, UserInfo user, JsonNode applied, boolean dryRun) {
    String manager = ctx.queryParams().get("fieldManager");
    if (manager == null || manager.isEmpty()) {
      throw ApiException.badRequest("PATCH with apply content type requires a fieldManager");
    }
    boolean force = "true".equals(ctx.queryParams().get("force"));
    String sub = info.subresource();
    var schema = store.strategy().applySchema(def);
    try {
      if (sub == null && store.find(info.namespace(), info.name()).isEmpty()) {
        var result = io.quarkube.machinery.apply.FieldManager.apply(null, applied, manager, force, def.apiVersion(),
            clock.instant(), schema);
        strictYaml(ctx);
        HasMetadata obj = bodies.toObject(result.object(), def, ctx, store.strategy());
        if (obj.getMetadata().getName() != null && !obj.getMetadata().getName().equals(info.name())) {
          throw ApiException.badRequest("the name of the object (" + obj.getMetadata().getName()
              + ") does not match the name on the URL (" + info.name() + ")");
        }
        obj.getMetadata().setName(info.name());
        HasMetadata admitted = admission.admit(new AdmissionRequest(Operation.CREATE, def, info.namespace(),
            info.name(), null, obj, user, dryRun));
        responses.object(ctx, 201, store.create(info.namespace(), admitted, dryRun, null), def);
        return;
      }
      HasMetadata updated = store.guaranteedUpdate(info.namespace(), info.name(), null, sub, dryRun, null,
          current -> {
            // as with every patch, a resourceVersion in the configuration is a precondition
            Patcher.requireUnchangedResourceVersion(def, info.name(), current, applied);
            var result = io.quarkube.machinery.apply.FieldManager.apply(Json.tree(current), applied, manager, force,
                def.apiVersion(), sub == null ? "" : sub, clock.instant(), schema,
                io.quarkube.machinery.apply.FieldSet.empty());
            strictYaml(ctx);
            HasMetadata next = bodies.toObject(result.object(), def, ctx, store.strategy());
            return admission.admit(new AdmissionRequest(Operation.UPDATE, def, info.namespace(), info.name(), sub,
                next, current, user, dryRun));
          });
      responses.object(ctx, 200, updated, def);
    } catch (io.quarkube.machinery.apply.ApplyException e) {
      throw new ApiException(Json.convert(e.toStatus(), io.fabric8.kubernetes.api.model.Status.class));
    }
  }

  /**
   * Upstream's applyPatcher: once the configuration applied, a Strict (or Warn) request has its YAML decoded
   * strictly, so a key repeated in one mapping is a 400 (or a warning) naming its line.
   */
  private static void strictYaml(RoutingContext ctx) {
    FieldValidation validation = FieldValidation.of(ctx);
    if (validation == FieldValidation.IGNORE || ctx.body() == null || ctx.body().buffer() == null) {
      return;
    }
    List<String> duplicates = io.quarkube.apiserver.json.DuplicateFields.inYamlByLine(ctx.body().buffer().getBytes());
    if (duplicates.isEmpty()) {
      return;
    }
    String error = "error converting YAML to JSON: yaml: unmarshal errors:\n  " + String.join("\n  ", duplicates);
    if (validation == FieldValidation.STRICT) {
      throw ApiException.badRequest("error strict decoding YAML: " + error);
    }
    for (String d : duplicates) { // a header holds no line break: one warning per repeated key
      ctx.response().headers().add("Warning", "299 - \"" + d.replace("\"", "\\\"") + "\"");
    }
  }

  /** {@code ?fieldManager=}, else the manager upstream derives from the User-Agent (kubectl-client-side-apply...). */
  private static String fieldManager(RoutingContext ctx) {
    return io.quarkube.machinery.apply.FieldManager.managerFromUserAgent(ctx.queryParams().get("fieldManager"),
        ctx.request().getHeader("User-Agent"));
  }

  private void delete(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info,
      UserInfo user, boolean dryRun) {
    if (info.subresource() != null) {
      throw ApiException.methodNotSupported(def.group(), def.resource() + "/" + info.subresource(), "delete");
    }
    DeleteOptions options = deleteOptions(ctx, dryRun);
    admission.admit(new AdmissionRequest(Operation.DELETE, def, info.namespace(), info.name(), null, null, user,
        dryRun));
    DeleteResult<HasMetadata> result = store.delete(info.namespace(), info.name(), options);
    responses.object(ctx, result.deleted() ? 200 : 202, result.object(), def);
  }

  private void deleteCollection(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store,
      RequestInfo info, UserInfo user, boolean dryRun) {
    ListOptions options = listOptions(ctx.queryParams(), store);
    DeleteOptions deleteOptions = deleteOptions(ctx, dryRun);
    // Each page of the list (the store decodes 500 keys at a time) is deleted as it comes, and the deleted objects
    // are kept as their JSON for a JSON answer: holding every listed and every deleted object decoded took the heap
    // to 1.5 GB for 20,000 pods, and a few times that many would have been out of memory.
    boolean json = MediaTypes.output(ctx.request().getHeader("Accept")) == MediaTypes.Output.JSON;
    List<byte[]> deletedJson = new ArrayList<>();
    List<HasMetadata> deleted = new ArrayList<>();
    ListPage<HasMetadata> page = store.list(info.namespace(), new ListOptions(options.labels(), options.fields(), 0,
        null, null, null), new GenericStore.ListSink<>() {
          @Override
          public void start(long resourceVersion) {}

          @Override
          public void item(HasMetadata obj) {
            HasMetadata gone = deleteListed(def, store, obj, deleteOptions, user, dryRun);
            if (gone != null && json) {
              deletedJson.add(Json.bytes(gone));
            } else if (gone != null) {
              deleted.add(gone);
            }
          }
        });
    if (json) {
      responses.encodedJsonList(ctx, def, deletedJson, page.resourceVersion());
    } else {
      responses.list(ctx, def, new ListPage<>(deleted, page.resourceVersion(), null, null));
    }
  }

  /** One object of a DELETE collection: what it left behind, or null when it was already gone. */
  private HasMetadata deleteListed(ResourceDefinition def, GenericStore<HasMetadata> store, HasMetadata obj,
      DeleteOptions options, UserInfo user, boolean dryRun) {
    String ns = obj.getMetadata().getNamespace();
    admission.admit(new AdmissionRequest(Operation.DELETE, def, ns, obj.getMetadata().getName(), null, null, user,
        dryRun));
    try {
      return store.delete(ns, obj.getMetadata().getName(), options).object();
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      return null;
    }
  }

  private DeleteOptions deleteOptions(RoutingContext ctx, boolean dryRun) {
    MultiMap q = ctx.queryParams();
    Long grace = q.get("gracePeriodSeconds") == null ? null : parseLong(q.get("gracePeriodSeconds"), 0);
    String policy = q.get("propagationPolicy");
    String uid = null;
    String rv = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      JsonNode body = bodies.decode(ctx);
      if (body.has("gracePeriodSeconds") && !body.get("gracePeriodSeconds").isNull()) {
        grace = body.get("gracePeriodSeconds").asLong();
      }
      if (body.hasNonNull("propagationPolicy")) {
        policy = body.get("propagationPolicy").asText();
      }
      if (body.has("orphanDependents") && body.get("orphanDependents").asBoolean() && policy == null) {
        policy = "Orphan";
      }
      JsonNode pre = body.path("preconditions");
      uid = pre.hasNonNull("uid") ? pre.get("uid").asText() : null;
      rv = pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null;
      JsonNode dr = body.path("dryRun");
      if (dr.isArray()) {
        for (JsonNode d : dr) {
          dryRun |= "All".equals(d.asText());
        }
      }
    }
    if (policy != null && !Set.of("Orphan", "Background", "Foreground").contains(policy)) {
      throw ApiException.invalid("meta.k8s.io", "DeleteOptions", "", List.of(
          io.quarkube.apiserver.errors.FieldError.notSupported("propagationPolicy", policy,
              List.of("Foreground", "Background", "Orphan"))));
    }
    return new DeleteOptions(grace, policy, uid, rv, dryRun);
  }

  /**
   * POST namespaces/ns/bindings: upstream's LegacyBindingREST, the older form of pods/x/binding, with the pod named by
   * the Binding's metadata.name. Only create is served (upstream installs no other route: its router's 405).
   */
  private void bindings(RoutingContext ctx, RequestInfo info, UserInfo user) {
    if (!"create".equals(info.verb()) || info.name() != null || info.subresource() != null) {
      throw ApiException.of(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
    if (info.namespace() == null) {
      throw ApiException.notFoundPath(ctx.request().path());
    }
    JsonNode binding = bodies.decode(ctx);
    String kind = binding.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals("Binding")) {
      throw ApiException.badRequest("not a Binding object: " + kind);
    }
    String namespace = binding.path("metadata").path("namespace").asText("");
    if (!namespace.isEmpty() && !namespace.equals(info.namespace())) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the "
          + "request");
    }
    String name = binding.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw ApiException.badRequest("Name parameter required.");
    }
    ResourceDefinition pods = registry.catalog().find("", "v1", "pods").orElseThrow();
    boolean dryRun = ctx.queryParams().getAll("dryRun").contains("All");
    bind(ctx, pods, registry.store(pods), new RequestInfo(info.group(), info.version(), info.namespace(), "pods",
        name, "binding", "create"), binding, user, dryRun);
  }

  /**
   * POST pods/x/binding: the scheduler's assignment of a pod to a node, refused if it already has one. The Binding
   * goes through admission first as upstream's (a create of pods/binding: a terminating namespace refuses it, and a
   * webhook registered for pods/binding sees it and may change it).
   */
  private void bind(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store, RequestInfo info,
      JsonNode body, UserInfo user, boolean dryRun) {
    Binding binding = (Binding) admission.admit(new AdmissionRequest(Operation.CREATE, def, info.namespace(),
        info.name(), "binding", toBinding(body), user, dryRun));
    String node = binding.getTarget() == null || binding.getTarget().getName() == null ? ""
        : binding.getTarget().getName();
    if (node.isEmpty()) {
      throw ApiException.invalid("", "Binding", info.name(), List.of(
          io.quarkube.apiserver.errors.FieldError.required("target.name", "")));
    }
    Map<String, String> bindingAnnotations = binding.getMetadata() == null ? null
        : binding.getMetadata().getAnnotations();
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    // Straight to storage, as upstream's assignPod: the pod's strategy (validation of the whole spec) has nothing to
    // check in a change of the node, annotations and one condition.
    store.updateInStorage(info.namespace(), info.name(), "binding", dryRun, current -> {
      Pod pod = (Pod) current;
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        throw ApiException.conflict("", "pods", info.name(), "pod " + info.name() + " is being deleted, cannot be "
            + "assigned to a host");
      }
      String existing = pod.getSpec().getNodeName();
      if (existing != null && !existing.isEmpty()) {
        throw ApiException.conflict("", "pods/binding", info.name(), "pod " + info.name()
            + " is already assigned to node \"" + existing + "\"");
      }
      pod.getSpec().setNodeName(node);
      // As upstream's assignPod: the Binding's annotations are added to the pod's (a scheduler can leave a note).
      if (bindingAnnotations != null && !bindingAnnotations.isEmpty()) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
            : new LinkedHashMap<>(pod.getMetadata().getAnnotations());
        annotations.putAll(bindingAnnotations);
        pod.getMetadata().setAnnotations(annotations);
      }
      List<PodCondition> conditions = pod.getStatus().getConditions() == null ? new ArrayList<>()
          : new ArrayList<>(pod.getStatus().getConditions());
      // As upstream's UpdatePodCondition: the transition time moves only when the status changes.
      PodCondition before = conditions.stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst()
          .orElse(null);
      if (before == null || !"True".equals(before.getStatus())) {
        PodCondition scheduled = new PodCondition();
        scheduled.setType("PodScheduled");
        scheduled.setStatus("True");
        scheduled.setLastTransitionTime(now);
        conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
        conditions.add(scheduled);
      }
      pod.getStatus().setConditions(conditions);
      return pod;
    });
    responses.status(ctx, 201, "Success");
  }

  private static Binding toBinding(JsonNode body) {
    try {
      return Json.MAPPER.treeToValue(body, Binding.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("unable to decode Binding: " + e.getOriginalMessage());
    }
  }

  static long parseLong(String s, long dflt) {
    if (s == null || s.isEmpty()) {
      return dflt;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid number \"" + s + "\"");
    }
  }
}
