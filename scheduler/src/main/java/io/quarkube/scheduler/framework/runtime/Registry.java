package io.quarkube.scheduler.framework.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Plugin names to factories. Profiles can only name registered plugins. */
public final class Registry {
  private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

  public Registry register(String name, PluginFactory f) {
    if (factories.putIfAbsent(name, f) != null) {
      throw new IllegalArgumentException("a plugin named " + name + " is already registered");
    }
    return this;
  }

  public PluginFactory get(String name) {
    return factories.get(name);
  }

  public Set<String> names() {
    return factories.keySet();
  }
}
