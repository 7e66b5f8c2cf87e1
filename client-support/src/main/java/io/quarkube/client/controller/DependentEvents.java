package io.quarkube.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * Events of dependents (a workload's pods) turned into owner keys, as upstream's workload controllers route them: a
 * dependent whose controller reference names an owner of {@code ownerKind} wakes that owner; an orphan (no
 * controller at all) wakes every owner in its namespace that may adopt it; a dependent controlled by another kind
 * wakes nobody. An update looks at both states, so the owner a dependent left (or the adopters of the orphan it was)
 * hear of it too. An {@link Observer} sees each owned event first (expectations, delayed looks).
 *
 * @param <O> the owner type (DaemonSet, StatefulSet)
 * @param <D> the dependent type (Pod)
 */
public final class DependentEvents<O extends HasMetadata, D extends HasMetadata> implements ResourceEventHandler<D> {
  /** What an owner does about its dependent's event besides being enqueued (called before the enqueue). */
  public interface Observer<D> {
    default void added(String ownerKey, D dependent) {}

    default void updated(String ownerKey, D before, D after) {}

    default void deleted(String ownerKey, D dependent) {}
  }

  private final Consumer<String> enqueue;
  private final String ownerKind;
  private final Indexer<O> owners;
  private final BiPredicate<O, D> mayAdopt;
  private final Observer<D> observer;

  /**
   * @param enqueue the owner controller's {@code enqueue}
   * @param owners the owners' cache (its {@code namespace} index finds the adopters of an orphan)
   * @param mayAdopt whether an owner would adopt the orphan (its selector matches the orphan's labels)
   */
  public DependentEvents(Consumer<String> enqueue, String ownerKind, Indexer<O> owners, BiPredicate<O, D> mayAdopt,
      Observer<D> observer) {
    this.enqueue = enqueue;
    this.ownerKind = ownerKind;
    this.owners = owners;
    this.mayAdopt = mayAdopt;
    this.observer = observer;
  }

  @Override
  public void onAdd(D dependent) {
    changed(dependent, key -> observer.added(key, dependent));
  }

  @Override
  public void onUpdate(D before, D after) {
    changed(after, key -> observer.updated(key, before, after));
    changed(before, key -> {});
  }

  @Override
  public void onDelete(D dependent, boolean deletedFinalStateUnknown) {
    changed(dependent, key -> observer.deleted(key, dependent));
  }

  private void changed(D dependent, Consumer<String> observe) {
    Optional<OwnerReference> controller = controllerOf(dependent);
    String namespace = dependent.getMetadata().getNamespace();
    if (controller.isEmpty()) {
      for (O owner : owners.byIndex("namespace", namespace)) {
        if (mayAdopt.test(owner, dependent)) {
          enqueue.accept(Keys.of(owner));
        }
      }
    } else if (ownerKind.equals(controller.get().getKind())) {
      String key = Keys.of(namespace, controller.get().getName());
      observe.accept(key);
      enqueue.accept(key);
    }
  }

  private static Optional<OwnerReference> controllerOf(HasMetadata obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    return refs == null ? Optional.empty()
        : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }
}
