package io.quarkube.controllers.manager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Upstream's {@code --controllers} flag: a comma-separated list where {@code *} turns on every controller that is
 * on by default, {@code foo} turns foo on and {@code -foo} turns it off (an explicit name wins over {@code *}).
 */
public final class ControllerSelection {
  private final List<String> items;

  private ControllerSelection(List<String> items) {
    this.items = items;
  }

  /** Parses the flag's value; unknown names are an error, like upstream's validation. */
  public static ControllerSelection parse(String value, Collection<String> known) {
    List<String> items = new ArrayList<>();
    for (String raw : value.split(",")) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      String name = item.startsWith("-") ? item.substring(1) : item;
      if (!name.equals("*") && !known.contains(name)) {
        throw new IllegalArgumentException("--controllers: unknown controller \"" + name + "\"; known: "
            + String.join(", ", known));
      }
      items.add(item);
    }
    return new ControllerSelection(items);
  }

  /** Whether {@code name} runs, given whether it is on by default. */
  public boolean isEnabled(String name, boolean onByDefault) {
    if (items.contains("-" + name)) {
      return false;
    }
    if (items.contains(name)) {
      return true;
    }
    return items.contains("*") && onByDefault;
  }

  /** The names from {@code known} that run. */
  public Set<String> enabled(Collection<String> known, Collection<String> offByDefault) {
    Set<String> on = new LinkedHashSet<>();
    for (String name : known) {
      if (isEnabled(name, !offByDefault.contains(name))) {
        on.add(name);
      }
    }
    return on;
  }
}
