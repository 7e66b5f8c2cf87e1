package io.quarkube.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * Data plugins keep for one pod's scheduling cycle (PreFilter computes, Filter reads). Written during PreFilter and
 * PreScore only, read concurrently by Filter/Score afterwards: a plain map is enough because those phases do not
 * overlap. Preemption works on a copy so its what-if changes never leak into the real cycle.
 */
public final class CycleState {
  /** State a plugin stores; {@link #copy()} must give an independent copy when the state is mutable. */
  public interface Data {
    Data copy();
  }

  private final Map<String, Data> data;
  private boolean skipAllFilters;
  private java.util.Set<String> skipFilterPlugins = java.util.Set.of();
  private java.util.Set<String> skipScorePlugins = java.util.Set.of();

  public CycleState() {
    this.data = new HashMap<>();
  }

  private CycleState(Map<String, Data> data) {
    this.data = data;
  }

  public void write(String key, Data value) {
    data.put(key, value);
  }

  /** Returns the state stored under {@code key}, or throws (a plugin read what its PreFilter did not write). */
  public <T extends Data> T read(String key, Class<T> type) {
    Data d = data.get(key);
    if (d == null) {
      throw new IllegalStateException("no cycle state under " + key);
    }
    return type.cast(d);
  }

  public <T extends Data> T readOrNull(String key, Class<T> type) {
    Data d = data.get(key);
    return d == null ? null : type.cast(d);
  }

  public CycleState copy() {
    Map<String, Data> m = new HashMap<>(data.size() * 2);
    data.forEach((k, v) -> m.put(k, v.copy()));
    CycleState c = new CycleState(m);
    c.skipFilterPlugins = skipFilterPlugins;
    c.skipScorePlugins = skipScorePlugins;
    return c;
  }

  public java.util.Set<String> skipFilterPlugins() {
    return skipFilterPlugins;
  }

  public void setSkipFilterPlugins(java.util.Set<String> s) {
    skipFilterPlugins = s;
  }

  public java.util.Set<String> skipScorePlugins() {
    return skipScorePlugins;
  }

  public void setSkipScorePlugins(java.util.Set<String> s) {
    skipScorePlugins = s;
  }
}
