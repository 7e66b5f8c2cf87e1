package io.quarkube.proxy.sync;

import io.quarkube.proxy.nft.Nft;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import java.util.Map;

/**
 * The proxy's own nftables table: cleared of an earlier run's leftovers at start, written by full and incremental
 * transactions ({@link RuleSync}), removed at the end. Nothing outside the table is ever touched.
 */
public final class ProxyTable {
  private final Nft nft;
  private final RuleOptions options;
  private final RuleSync sync;
  private long lastNftNanos;

  public ProxyTable(Nft nft, RuleOptions options) {
    this.nft = nft;
    this.options = options;
    this.sync = new RuleSync(options);
  }

  /** Removes whatever an earlier run (or anyone) left in the table; the next write is a full one. */
  public void clean() {
    nft.apply(RuleGenerator.deleteTable(options.table()));
    sync.invalidate();
  }

  public void remove() {
    clean();
  }

  /** Whether the next write may be incremental. */
  public boolean known() {
    return sync.known();
  }

  /** Writes the whole table; returns the script's line count. */
  public RuleSync.Plan full(Map<String, Fragment> desired) {
    return apply(sync.full(desired));
  }

  /** Writes what changed for the named Services ({@link Fragment#EMPTY}: gone). */
  public RuleSync.Plan incremental(Map<String, Fragment> changed) {
    return apply(sync.incremental(changed));
  }

  public boolean unchanged(String service, Fragment fragment) {
    return sync.unchanged(service, fragment);
  }

  /** Rules plus map elements in the table. */
  public int size() {
    return sync.size();
  }

  public int services() {
    return sync.services();
  }

  /** How long the last write spent in nft (the rest of a sync is planning in this process). */
  public long lastNftNanos() {
    return lastNftNanos;
  }

  private RuleSync.Plan apply(RuleSync.Plan plan) {
    long t0 = System.nanoTime();
    try {
      if (!plan.empty()) {
        nft.apply(plan.script());
      }
      lastNftNanos = System.nanoTime() - t0;
    } catch (RuntimeException e) {
      sync.invalidate();
      throw e;
    }
    sync.commit(plan);
    return plan;
  }
}
