package io.quarkube.controllers.namespace;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Empties deleted namespaces (upstream's {@code namespace} controller): once a namespace has a deletionTimestamp and
 * still carries the {@code kubernetes} finalizer, every object in it of every discovered kind is deleted through the
 * API; while content remains the namespace's conditions say what and why, and the key comes back a little later;
 * when nothing remains the finalizer is removed and the API server deletes the namespace.
 */
public final class NamespaceController extends Controller<String> {
  public static final String NAME = "namespace";
  public static final String FINALIZER = "kubernetes";
  /** How soon to look again while content remains (upstream estimates from graceful deletion; short is fine). */
  static final Duration RECHECK = Duration.ofSeconds(2);

  private final Indexer<Namespace> namespaces;
  private final NamespaceContent content;
  private final ObjectWriter writer;
  private final Clock clock;

  public NamespaceController(ControllerContext ctx, NamespaceContent content) {
    this(ctx, content, Clock.systemUTC());
  }

  NamespaceController(ControllerContext ctx, NamespaceContent content, Clock clock) {
    super(NAME);
    this.namespaces = ctx.informers().indexer(Namespace.class);
    this.content = content;
    this.writer = ctx.writer();
    this.clock = clock;
    ctx.informers().addEventHandler(Namespace.class, enqueueing(
        (Namespace ns) -> ns.getMetadata().getDeletionTimestamp() != null ? ns.getMetadata().getName() : null));
    waitForSync(ctx.informers(), Namespace.class);
  }

  @Override
  protected void reconcile(String name) {
    Namespace ns = namespaces.getByKey(name);
    if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
      return;
    }
    List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of()
        : ns.getSpec().getFinalizers();
    if (!finalizers.contains(FINALIZER)) {
      return; // our part is done; other finalizers belong to others
    }
    if (ns.getStatus() == null || !"Terminating".equals(ns.getStatus().getPhase())) {
      ns = writer.updateStatus(new NamespaceBuilder(ns).editOrNewStatus().withPhase("Terminating").endStatus()
          .build());
    }
    NamespaceContent.Result result = content.deleteAll(name);
    ns = updateConditions(ns, result);
    if (!result.done()) {
      queue.addAfter(name, RECHECK);
      return;
    }
    List<String> rest = new ArrayList<>(finalizers);
    rest.remove(FINALIZER);
    try {
      content.finalizeNamespace(new NamespaceBuilder(ns).editOrNewSpec().withFinalizers(rest).endSpec().build());
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** Writes upstream's deletion conditions when they changed; returns the namespace as stored. */
  private Namespace updateConditions(Namespace ns, NamespaceContent.Result r) {
    List<NamespaceCondition> wanted = new ArrayList<>();
    wanted.add(condition("NamespaceDeletionDiscoveryFailure", r.discoveryFailure() != null,
        r.discoveryFailure() != null ? "DiscoveryFailed" : "ResourcesDiscovered",
        r.discoveryFailure() != null ? r.discoveryFailure() : "All resources successfully discovered"));
    wanted.add(condition("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
        "All legacy kube types successfully parsed"));
    wanted.add(condition("NamespaceDeletionContentFailure", !r.deleteFailures().isEmpty(),
        r.deleteFailures().isEmpty() ? "ContentDeleted" : "ContentDeletionFailed",
        r.deleteFailures().isEmpty() ? "All content successfully deleted, may be waiting on finalization"
            : "Failed to delete all resource types, " + r.deleteFailures().size() + " remaining: "
                + String.join(", ", r.deleteFailures())));
    wanted.add(condition("NamespaceContentRemaining", !r.remaining().isEmpty(),
        r.remaining().isEmpty() ? "ContentRemoved" : "SomeResourcesRemain",
        r.remaining().isEmpty() ? "All content successfully removed"
            : "Some resources are remaining: " + describe(r.remaining(), "resource instances")));
    boolean finalizersLeft = !r.remaining().isEmpty() && !r.finalizersRemaining().isEmpty();
    wanted.add(condition("NamespaceFinalizersRemaining", finalizersLeft,
        finalizersLeft ? "SomeFinalizersRemain" : "ContentHasNoFinalizers",
        finalizersLeft ? "Some content in the namespace has finalizers remaining: "
            + describe(r.finalizersRemaining(), "resource instances")
            : "All content-preserving finalizers finished"));
    List<NamespaceCondition> current = ns.getStatus() == null || ns.getStatus().getConditions() == null
        ? List.of() : ns.getStatus().getConditions();
    List<NamespaceCondition> merged = new ArrayList<>();
    boolean changed = false;
    for (NamespaceCondition w : wanted) {
      NamespaceCondition old = current.stream().filter(c -> w.getType().equals(c.getType())).findFirst().orElse(null);
      if (old != null && Objects.equals(old.getStatus(), w.getStatus()) && Objects.equals(old.getReason(),
          w.getReason()) && Objects.equals(old.getMessage(), w.getMessage())) {
        merged.add(old);
      } else {
        merged.add(w);
        changed = true;
      }
    }
    if (!changed) {
      return ns;
    }
    NamespaceStatus status = ns.getStatus() == null ? new NamespaceStatus() : ns.getStatus();
    return writer.updateStatus(new NamespaceBuilder(ns).withStatus(new io.fabric8.kubernetes.api.model
        .NamespaceStatusBuilder(status).withConditions(merged).build()).build());
  }

  private NamespaceCondition condition(String type, boolean isTrue, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    return new NamespaceConditionBuilder().withType(type).withStatus(isTrue ? "True" : "False").withReason(reason)
        .withMessage(message).withLastTransitionTime(now).build();
  }

  private static String describe(Map<String, Integer> counts, String what) {
    return counts.entrySet().stream().map(e -> e.getKey() + " has " + e.getValue() + " " + what)
        .collect(Collectors.joining(", "));
  }
}
