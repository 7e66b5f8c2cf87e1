package io.quarkube.scheduler.config;

/** A plugin named in a {@code plugins} set, with its score weight (0 = unset). */
public record PluginRef(String name, int weight) {
  public static PluginRef of(String name) {
    return new PluginRef(name, 0);
  }
}
