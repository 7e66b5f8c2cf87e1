package io.quarkube.apiserver.registry;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One event of an API watch, before it is written out: ADDED, MODIFIED, DELETED or BOOKMARK. The watch cache hands
 * the same instance to every watcher it matches, so the wire form is computed once and remembered here.
 */
public final class WatchEvent<T> {
  private final String type;
  private final long resourceVersion;
  /** Decodes the object the first time someone asks; null when it was given. */
  private final Supplier<T> decoder;
  /** The object's JSON without decoding it (stored bytes with the resourceVersion put back); null: none. */
  private final Supplier<byte[]> json;
  private volatile T object;
  private volatile byte[] encoded;

  public WatchEvent(String type, T object, long resourceVersion) {
    this(type, resourceVersion, object, null, null);
  }

  private WatchEvent(String type, long resourceVersion, T object, Supplier<T> decoder, Supplier<byte[]> json) {
    this.type = type;
    this.resourceVersion = resourceVersion;
    this.object = object;
    this.decoder = decoder;
    this.json = json;
  }

  /**
   * An event of the watch cache: its object is decoded only if a watcher needs it (a selector, a Table, a listener
   * in this process); a JSON watch writes {@code json} instead when it is there.
   */
  static <T> WatchEvent<T> stored(String type, long resourceVersion, Supplier<T> decoder, Supplier<byte[]> json) {
    return new WatchEvent<>(type, resourceVersion, null, decoder, json);
  }

  public String type() {
    return type;
  }

  /** The object; shared between watchers, so never to be changed. */
  public T object() {
    T o = object;
    if (o == null && decoder != null) {
      synchronized (this) {
        o = object;
        if (o == null) {
          o = decoder.get();
          object = o;
        }
      }
    }
    return o;
  }

  /**
   * The object's JSON as encoding {@link #object()} gives it, when it can be had without decoding (the stored
   * bytes); null otherwise.
   */
  public byte[] objectJson() {
    return json == null ? null : json.get();
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
