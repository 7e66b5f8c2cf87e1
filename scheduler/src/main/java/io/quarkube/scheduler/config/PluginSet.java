package io.quarkube.scheduler.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code enabled} and {@code disabled} plugins of one extension point ({@code "*"} in disabled = all defaults). */
public record PluginSet(List<PluginRef> enabled, List<PluginRef> disabled) {
  public static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

  public boolean disablesAll() {
    return disabled.stream().anyMatch(p -> "*".equals(p.name()));
  }

  public boolean disables(String name) {
    return disabled.stream().anyMatch(p -> "*".equals(p.name()) || p.name().equals(name));
  }

  /**
   * Upstream's mergePluginSet: the defaults minus the disabled ones, where a plugin the user enables too takes the
   * user's settings at the default's position; then the user's other enabled plugins, in their order.
   */
  public static PluginSet merge(PluginSet defaults, PluginSet custom) {
    Set<String> disabled = new HashSet<>();
    boolean all = custom.disablesAll();
    for (PluginRef d : custom.disabled()) {
      disabled.add(d.name());
    }
    Map<String, PluginRef> customEnabled = new HashMap<>();
    for (PluginRef e : custom.enabled()) {
      customEnabled.put(e.name(), e);
    }
    List<PluginRef> out = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    if (!all) {
      for (PluginRef d : defaults.enabled()) {
        if (disabled.contains(d.name())) {
          continue;
        }
        PluginRef c = customEnabled.get(d.name());
        if (c != null) {
          out.add(c);
          replaced.add(d.name());
        } else {
          out.add(d);
        }
      }
    }
    for (PluginRef e : custom.enabled()) {
      if (!replaced.contains(e.name())) {
        out.add(e);
      }
    }
    return new PluginSet(out, custom.disabled());
  }
}
