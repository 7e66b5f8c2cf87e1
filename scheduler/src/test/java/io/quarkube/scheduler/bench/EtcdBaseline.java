package io.quarkube.scheduler.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's yardstick: raw etcd writes per second (jetcd, 32 puts in flight, pod-sized values) measured on the
 * same machine in the same minute as the scheduling run. Every scheduled pod costs at least one etcd write (the
 * binding), so this is the rate no API server on this machine could beat right now; on a machine shared with other
 * work the absolute figures swing, the ratio to this baseline much less. Only the benchmark talks to etcd.
 */
final class EtcdBaseline {
  private static final int IN_FLIGHT = 32;
  private static final int VALUE_BYTES = 1500;

  private EtcdBaseline() {}

  private static double puts(KV kv, String prefix, ByteSequence v, long millis) throws InterruptedException {
    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    long i = 0;
    while (System.nanoTime() < end) {
      window.acquire();
      kv.put(ByteSequence.from(prefix + (i++ % 1000), StandardCharsets.UTF_8), v).whenComplete((r, e) -> {
        if (e == null) {
          done.incrementAndGet();
        }
        window.release();
      });
    }
    window.acquire(IN_FLIGHT);
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  /** Puts per second over {@code millis}, under a throwaway prefix that is deleted afterwards. */
  static double putsPerSecond(String endpoint, String run, long millis) throws InterruptedException {
    try (Client client = Client.builder().endpoints(endpoint).build()) {
      KV kv = client.getKVClient();
      byte[] value = new byte[VALUE_BYTES];
      Arrays.fill(value, (byte) 'x');
      ByteSequence v = ByteSequence.from(value);
      String prefix = "/quarkube-bench/" + run + "/";
      // A first, uncounted second warms the client up (class loading, JIT, the gRPC connection): the figure is etcd's.
      puts(kv, prefix, v, 1000);
      double rate = puts(kv, prefix, v, millis);
      ByteSequence p = ByteSequence.from(prefix, StandardCharsets.UTF_8);
      kv.delete(p, DeleteOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
      return rate;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("etcd baseline failed: " + e.getMessage(), e);
    }
  }
}
