package io.quarkube.proxy.sync;

import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the proxy last wrote into its table, and the nft transactions that bring the table to a new state: a
 * <em>full</em> one (every object of the table declared, its chains and maps flushed and refilled: repairs whatever
 * someone else changed, while the affinity sets keep their clients) or an <em>incremental</em> one (only the
 * elements, chains and sets of the Services that changed). Each is one {@code nft -f} script, so the kernel applies
 * it atomically. A plan is committed only after nft took it; after a failure the next sync must be full.
 *
 * <p>Keys are Service keys ({@code ns/name}); the DNS redirects are the fragment of key {@code ""}.
 */
public final class RuleSync {
  private static final int BATCH = 512;

  private final RuleOptions options;
  private final String table;
  private Map<String, Fragment> applied = new HashMap<>();
  /** Shared chain → how many Services' fragments use it; a chain nobody uses any more is deleted. */
  private Map<String, Integer> sharedRefs = new HashMap<>();
  /** map + '\0' + key → the Service whose element it is (the first claimant of an address keeps it). */
  private Map<String, String> owners = new HashMap<>();
  private Map<String, Integer> hairpinRefs = new HashMap<>();
  private boolean known;
  private int fixedRules;
  /** The sum of the applied fragments' sizes without their hairpin pairs (kept as fragments come and go). */
  private int fragmentSizes;

  public RuleSync(RuleOptions options) {
    this.options = options;
    this.table = "ip " + options.table();
  }

  /** A transaction, and how the recorded state changes once nft applied it. */
  public static final class Plan {
    private final String script;
    private final boolean full;
    private final Runnable commit;

    private Plan(String script, boolean full, Runnable commit) {
      this.script = script;
      this.full = full;
      this.commit = commit;
    }

    public String script() {
      return script;
    }

    public boolean full() {
      return full;
    }

    public boolean empty() {
      return script.isEmpty();
    }
  }

  /**
   * Changes to a map, read through to the map below, written to it on {@link #apply()}: an incremental plan costs
   * what the changed Services hold, never a copy of the whole state.
   */
  private static final class Overlay<V> {
    private final Map<String, V> base;
    private final Map<String, Optional<V>> changes = new HashMap<>();

    Overlay(Map<String, V> base) {
      this.base = base;
    }

    V get(String key) {
      Optional<V> c = changes.get(key);
      return c != null ? c.orElse(null) : base.get(key);
    }

    V getOrDefault(String key, V fallback) {
      V v = get(key);
      return v == null ? fallback : v;
    }

    void put(String key, V value) {
      changes.put(key, Optional.of(value));
    }

    V putIfAbsent(String key, V value) {
      V old = get(key);
      if (old == null) {
        put(key, value);
      }
      return old;
    }

    void remove(String key) {
      changes.put(key, Optional.empty());
    }

    boolean containsKey(String key) {
      return get(key) != null;
    }

    void apply() {
      changes.forEach((k, v) -> {
        if (v.isPresent()) {
          base.put(k, v.get());
        } else {
          base.remove(k);
        }
      });
    }
  }

  /** True once a full sync went in and no transaction failed since: incremental syncs are possible. */
  public boolean known() {
    return known;
  }

  /** The table's state is no longer known (a transaction failed): the next sync must be full. */
  public void invalidate() {
    known = false;
  }

  public void commit(Plan plan) {
    plan.commit.run();
    known = true;
  }

  /** Rules and map elements in the table after the last committed plan. */
  public int size() {
    int n = fixedRules + hairpinRefs.size() + fragmentSizes;
    for (String shared : sharedRefs.keySet()) {
      n += RuleGenerator.sharedChain(shared, options).size();
    }
    return n;
  }

  public int services() {
    return applied.size();
  }

  /** The whole table from {@code desired} (every Service's fragment, and the redirects under key ""). */
  public Plan full(Map<String, Fragment> desired) {
    Map<String, Fragment> next = new TreeMap<>(desired);
    next.values().removeIf(f -> f.equals(Fragment.EMPTY));
    Script s = new Script();
    s.cmd("add table " + table);
    RuleGenerator.maps().forEach((name, body) -> s.cmd("add map " + table + " " + name + " { " + body + " }"));
    RuleGenerator.sets().forEach((name, body) -> s.cmd("add set " + table + " " + name + " { " + body + " }"));

    Map<String, RuleGenerator.Chain> chains = new java.util.LinkedHashMap<>(RuleGenerator.fixedChains(options));
    int fixed = 0;
    for (RuleGenerator.Chain c : chains.values()) {
      fixed += c.rules().size();
    }
    Map<String, Integer> shared = new TreeMap<>();
    next.values().forEach(f -> f.sharedChains().forEach(c -> shared.merge(c, 1, Integer::sum)));
    for (String name : shared.keySet()) {
      chains.put(name, new RuleGenerator.Chain(null, RuleGenerator.sharedChain(name, options)));
    }
    Map<String, String> sets = new TreeMap<>();
    for (Fragment f : next.values()) {
      f.chains().forEach((name, rules) -> chains.put(name, new RuleGenerator.Chain(null, rules)));
      sets.putAll(f.sets());
    }
    // Chains and sets of the last state that are gone now.
    Set<String> staleChains = new TreeSet<>(sharedRefs.keySet());
    Map<String, String> staleSets = new TreeMap<>();
    for (Fragment f : applied.values()) {
      staleChains.addAll(f.chains().keySet());
      staleSets.putAll(f.sets());
    }
    staleChains.removeAll(chains.keySet());
    Map<String, String> changedSets = new TreeMap<>();
    staleSets.forEach((name, def) -> {
      if (sets.containsKey(name) && !sets.get(name).equals(def)) {
        changedSets.put(name, def);
      }
    });
    staleSets.keySet().removeAll(sets.keySet());
    staleSets.putAll(changedSets);

    // Declare everything (harmless when present; recreates what someone deleted), then empty it and refill.
    chains.forEach((name, c) -> s.cmd("add chain " + table + " " + name + (c.hook() == null ? "" : " { " + c.hook() + " }")));
    staleChains.forEach(name -> s.cmd("add chain " + table + " " + name));
    staleSets.forEach((name, def) -> s.cmd("add set " + table + " " + name + " { " + def + " }"));
    RuleGenerator.maps().keySet().forEach(name -> s.cmd("flush map " + table + " " + name));
    RuleGenerator.sets().keySet().forEach(name -> s.cmd("flush set " + table + " " + name));
    chains.keySet().forEach(name -> s.cmd("flush chain " + table + " " + name));
    staleChains.forEach(name -> s.cmd("flush chain " + table + " " + name));
    staleChains.forEach(name -> s.cmd("delete chain " + table + " " + name));
    staleSets.keySet().forEach(name -> s.cmd("delete set " + table + " " + name));
    // Affinity sets are declared, never flushed: the clients they remember survive a full resync.
    sets.forEach((name, def) -> s.cmd("add set " + table + " " + name + " { " + def + " }"));
    chains.forEach((name, c) -> c.rules().forEach(rule -> s.cmd("add rule " + table + " " + name + " " + rule)));

    Map<String, String> nextOwners = new HashMap<>();
    Map<String, Integer> nextHairpin = new HashMap<>();
    Map<String, List<String>> elements = new TreeMap<>();
    next.forEach((service, f) -> {
      f.elements().forEach((map, entries) -> entries.forEach((key, value) -> {
        if (nextOwners.putIfAbsent(map + '\0' + key, service) == null) {
          elements.computeIfAbsent(map, m -> new ArrayList<>()).add(key + " : " + value);
        }
      }));
      f.hairpin().forEach(ip -> nextHairpin.merge(ip, 1, Integer::sum));
    });
    elements.forEach((map, list) -> s.elements("add", map, list));
    s.elements("add", RuleGenerator.HAIRPIN, nextHairpin.keySet().stream().sorted().map(ip -> ip + " . " + ip).toList());
    int sizes = next.values().stream().mapToInt(f -> f.size() - f.hairpin().size()).sum();
    final int fixedCount = fixed;
    return new Plan(s.toString(), true, () -> {
      applied = new HashMap<>(next);
      sharedRefs = new HashMap<>(shared);
      owners = nextOwners;
      hairpinRefs = nextHairpin;
      fixedRules = fixedCount;
      fragmentSizes = sizes;
    });
  }

  /**
   * Only what changed: {@code changed} maps each Service key whose objects changed to its new fragment
   * ({@link Fragment#EMPTY} when the Service is gone). Services not named are left alone.
   */
  public Plan incremental(Map<String, Fragment> changed) {
    if (!known) {
      throw new IllegalStateException("no full sync yet: the table's state is unknown");
    }
    Overlay<Fragment> next = new Overlay<>(applied);
    Overlay<String> nextOwners = new Overlay<>(owners);
    Overlay<Integer> nextHairpin = new Overlay<>(hairpinRefs);
    Overlay<Integer> nextShared = new Overlay<>(sharedRefs);
    int[] sizeDelta = {0};
    Map<String, Integer> sharedBefore = new TreeMap<>();
    List<String> elementDeletes = new ArrayList<>();
    List<String> elementAdds = new ArrayList<>();
    List<String> flushChains = new ArrayList<>();
    List<String> deleteChains = new ArrayList<>();
    List<String> deleteSets = new ArrayList<>();
    List<String> addSets = new ArrayList<>();
    List<String> addChains = new ArrayList<>();
    List<String> addRules = new ArrayList<>();
    List<String> sharedAdds = new ArrayList<>();
    Map<String, Integer> hairpinBefore = new HashMap<>();

    SortedMap<String, Fragment> sorted = new TreeMap<>(changed);
    // Deletes of every changed Service first, so an address one gives up can be taken by another in the same go.
    sorted.forEach((service, now) -> {
      Fragment before = applied.getOrDefault(service, Fragment.EMPTY);
      before.elements().forEach((map, entries) -> entries.forEach((key, value) -> {
        if (!value.equals(now.elements(map).get(key)) && service.equals(nextOwners.get(map + '\0' + key))) {
          elementDeletes.add("delete element " + table + " " + map + " { " + key + " }");
          nextOwners.remove(map + '\0' + key);
        }
      }));
    });
    sorted.forEach((service, now) -> {
      Fragment before = applied.getOrDefault(service, Fragment.EMPTY);
      now.elements().forEach((map, entries) -> entries.forEach((key, value) -> {
        if (!value.equals(before.elements(map).get(key)) || !nextOwners.containsKey(map + '\0' + key)) {
          if (nextOwners.putIfAbsent(map + '\0' + key, service) == null) {
            elementAdds.add("add element " + table + " " + map + " { " + key + " : " + value + " }");
          }
        }
      }));
      before.chains().forEach((name, rules) -> {
        if (!now.chains().containsKey(name)) {
          flushChains.add(name);
          deleteChains.add(name);
        } else if (!now.chains().get(name).equals(rules)) {
          flushChains.add(name);
          now.chains().get(name).forEach(r -> addRules.add("add rule " + table + " " + name + " " + r));
        }
      });
      now.chains().forEach((name, rules) -> {
        if (!before.chains().containsKey(name)) {
          addChains.add(name);
          rules.forEach(r -> addRules.add("add rule " + table + " " + name + " " + r));
        }
      });
      before.sets().forEach((name, def) -> {
        if (!def.equals(now.sets().get(name))) {
          deleteSets.add(name);
        }
      });
      now.sets().forEach((name, def) -> {
        if (!def.equals(before.sets().get(name))) {
          addSets.add("add set " + table + " " + name + " { " + def + " }");
        }
      });
      for (String ip : before.hairpin()) {
        if (!now.hairpin().contains(ip)) {
          hairpinBefore.putIfAbsent(ip, nextHairpin.getOrDefault(ip, 0));
          nextHairpin.put(ip, nextHairpin.getOrDefault(ip, 0) - 1);
        }
      }
      for (String ip : now.hairpin()) {
        if (!before.hairpin().contains(ip)) {
          hairpinBefore.putIfAbsent(ip, nextHairpin.getOrDefault(ip, 0));
          nextHairpin.put(ip, nextHairpin.getOrDefault(ip, 0) + 1);
        }
      }
      for (String chain : before.sharedChains()) {
        sharedBefore.putIfAbsent(chain, nextShared.getOrDefault(chain, 0));
        nextShared.put(chain, nextShared.getOrDefault(chain, 0) - 1);
      }
      for (String chain : now.sharedChains()) {
        sharedBefore.putIfAbsent(chain, nextShared.getOrDefault(chain, 0));
        nextShared.put(chain, nextShared.getOrDefault(chain, 0) + 1);
      }
      sizeDelta[0] += (now.size() - now.hairpin().size()) - (before.size() - before.hairpin().size());
      if (now.equals(Fragment.EMPTY)) {
        next.remove(service);
      } else {
        next.put(service, now);
      }
    });
    // Shared chains: created when a first Service needs one, deleted when the last one stops using it.
    List<String> sharedDeletes = new ArrayList<>();
    sharedBefore.forEach((chain, was) -> {
      int is = nextShared.getOrDefault(chain, 0);
      if (is <= 0) {
        nextShared.remove(chain);
      }
      if (was > 0 && is <= 0) {
        sharedDeletes.add(chain);
      } else if (was <= 0 && is > 0) {
        sharedAdds.add("add chain " + table + " " + chain);
        RuleGenerator.sharedChain(chain, options).forEach(r -> sharedAdds.add("add rule " + table + " " + chain + " " + r));
      }
    });
    List<String> hairpinDeletes = new ArrayList<>();
    List<String> hairpinAdds = new ArrayList<>();
    new TreeMap<>(hairpinBefore).forEach((ip, was) -> {
      int is = nextHairpin.getOrDefault(ip, 0);
      if (is <= 0) {
        nextHairpin.remove(ip);
      }
      if (was > 0 && is <= 0) {
        hairpinDeletes.add(ip + " . " + ip);
      } else if (was <= 0 && is > 0) {
        hairpinAdds.add(ip + " . " + ip);
      }
    });

    Script s = new Script();
    elementDeletes.forEach(s::cmd);
    s.elements("delete", RuleGenerator.HAIRPIN, hairpinDeletes);
    flushChains.forEach(name -> s.cmd("flush chain " + table + " " + name));
    sharedDeletes.forEach(name -> s.cmd("flush chain " + table + " " + name));
    deleteChains.forEach(name -> s.cmd("delete chain " + table + " " + name));
    sharedDeletes.forEach(name -> s.cmd("delete chain " + table + " " + name));
    deleteSets.forEach(name -> s.cmd("delete set " + table + " " + name));
    sharedAdds.forEach(s::cmd);
    addSets.forEach(s::cmd);
    addChains.forEach(name -> s.cmd("add chain " + table + " " + name));
    addRules.forEach(s::cmd);
    elementAdds.forEach(s::cmd);
    s.elements("add", RuleGenerator.HAIRPIN, hairpinAdds);
    return new Plan(s.toString(), false, () -> {
      next.apply();
      nextOwners.apply();
      nextHairpin.apply();
      nextShared.apply();
      fragmentSizes += sizeDelta[0];
    });
  }

  /** The fragment last applied for a Service (EMPTY when none). */
  public Fragment applied(String service) {
    return applied.getOrDefault(service, Fragment.EMPTY);
  }

  /** Whether {@code fragment} is what the table already holds for the Service. */
  public boolean unchanged(String service, Fragment fragment) {
    return Objects.equals(applied.getOrDefault(service, Fragment.EMPTY), fragment);
  }

  private final class Script {
    private final StringBuilder out = new StringBuilder();

    void cmd(String line) {
      out.append(line).append('\n');
    }

    void elements(String verb, String map, List<String> entries) {
      for (int i = 0; i < entries.size(); i += BATCH) {
        out.append(verb).append(" element ").append(table).append(' ').append(map).append(" { ")
            .append(String.join(", ", entries.subList(i, Math.min(entries.size(), i + BATCH)))).append(" }\n");
      }
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
