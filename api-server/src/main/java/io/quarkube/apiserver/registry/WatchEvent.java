package io.quarkube.apiserver.registry;

import java.util.function.Function;

/**
 * One event of an API watch, before it is written out: ADDED, MODIFIED, DELETED or BOOKMARK. The watch cache hands
 * the same instance to every watcher it matches, so the wire form is computed once and remembered here.
 */
public final class WatchEvent<T> {
  private final String type;
  private final T object;
  private final long resourceVersion;
  private volatile byte[] encoded;

  public WatchEvent(String type, T object, long resourceVersion) {
    this.type = type;
    this.object = object;
    this.resourceVersion = resourceVersion;
  }

  public String type() {
    return type;
  }

  /** The object; shared between watchers, so never to be changed. */
  public T object() {
    return object;
  }

  public long resourceVersion() {
    return resourceVersion;
  }

  /**
   * The event's bytes as {@code encoder} writes them, computed by the first watcher that asks. All watchers of one
   * stream format share one encoder, so the first result serves every later caller.
   */
  public byte[] encoded(Function<WatchEvent<T>, byte[]> encoder) {
    byte[] e = encoded;
    if (e == null) {
      e = encoder.apply(this);
      encoded = e;
    }
    return e;
  }

  @Override
  public String toString() {
    return type + " " + resourceVersion;
  }
}
