package io.quarkube.apiserver.registry;

/**
 * Side effects that go with a resource's writes (upstream's BeginCreate/BeginUpdate/AfterDelete decorators), such
 * as allocating a Service's ClusterIP and NodePorts. A "begin" hook returns what undoes it, which the store runs
 * when the write itself fails, so a refused request leaves nothing allocated.
 */
public interface StoreHooks<T> {
  /** No side effects. */
  StoreHooks<?> NONE = new StoreHooks<>() {};

  /** Undoes a begin hook. */
  interface Undo {
    Undo NOTHING = () -> {};

    void run();
  }

  default Undo beginCreate(T object, boolean dryRun) {
    return Undo.NOTHING;
  }

  default Undo beginUpdate(T object, T old, boolean dryRun) {
    return Undo.NOTHING;
  }

  /** After the update is stored: releases what the old version held and the new one does not. */
  default void afterUpdate(T object, T old) {}

  default void afterDelete(T object) {}
}
