package io.quarkube.proxy.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of the proxy's table that belongs to one Service (or to the DNS redirects): map elements, its own chains
 * and sets, the shared chains it jumps to, and its endpoints' hairpin pairs. An incremental sync compares the
 * fragment last applied with the new one and writes only the difference, so a changed endpoint costs the same
 * whatever the number of other services.
 *
 * @param elements map name → key → value (the value is a verdict or an endpoint {@code ip . port})
 * @param chains the Service's own chains (affinity services only): name → rules
 * @param sets the Service's own sets (affinity): name → definition
 * @param sharedChains shared chains ({@code pick-3}, ...) its elements point at; created once, never per service
 * @param hairpin endpoint IPs, for the {@code hairpin} set (a pod reaching itself through its service)
 */
public record Fragment(SortedMap<String, SortedMap<String, String>> elements, SortedMap<String, List<String>> chains,
    SortedMap<String, String> sets, SortedSet<String> sharedChains, SortedSet<String> hairpin) {
  public static final Fragment EMPTY = new Fragment(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeSet<>(),
      new TreeSet<>());

  public Fragment {
    elements = Collections.unmodifiableSortedMap(elements);
    chains = Collections.unmodifiableSortedMap(chains);
    sets = Collections.unmodifiableSortedMap(sets);
    sharedChains = Collections.unmodifiableSortedSet(sharedChains);
    hairpin = Collections.unmodifiableSortedSet(hairpin);
  }

  public Map<String, String> elements(String map) {
    return elements.getOrDefault(map, Collections.emptySortedMap());
  }

  /** Rules plus elements: what the "rules count" metric adds up. */
  public int size() {
    int n = 0;
    for (List<String> rules : chains.values()) {
      n += rules.size();
    }
    for (Map<String, String> m : elements.values()) {
      n += m.size();
    }
    return n + hairpin.size();
  }

  /** Collects a fragment; keys already claimed stay with the first claimant (two services on one external IP). */
  static final class Builder {
    private final SortedMap<String, SortedMap<String, String>> elements = new TreeMap<>();
    private final SortedMap<String, List<String>> chains = new TreeMap<>();
    private final SortedMap<String, String> sets = new TreeMap<>();
    private final SortedSet<String> shared = new TreeSet<>();
    private final SortedSet<String> hairpin = new TreeSet<>();

    Builder element(String map, String key, String value) {
      elements.computeIfAbsent(map, m -> new TreeMap<>()).putIfAbsent(key, value);
      return this;
    }

    Builder chain(String name, List<String> rules) {
      chains.put(name, List.copyOf(rules));
      return this;
    }

    Builder set(String name, String definition) {
      sets.put(name, definition);
      return this;
    }

    Builder shared(String chain) {
      shared.add(chain);
      return this;
    }

    Builder hairpin(String ip) {
      hairpin.add(ip);
      return this;
    }

    Fragment build() {
      return new Fragment(elements, chains, sets, shared, hairpin);
    }
  }

  /** Sets of names, for callers that only need membership. */
  public Set<String> chainNames() {
    return chains.keySet();
  }
}
