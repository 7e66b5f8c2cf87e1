package io.quarkube.apiserver.storage;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link Storage} on a real etcd through jetcd; each write is one transaction with its precondition. */
public final class EtcdStorage implements Storage {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Client client;
  /** The watches' own connection: see the constructor. */
  private final Client watchClient;
  private final KV kv;
  private final Watch watch;
  /**
   * Where watch listeners hear of errors. jetcd calls a watch's onError while holding the lock that every
   * {@code Watch.watch} call takes too, so a listener that waits for a lock of its own (the watch cache's, to stop)
   * while another thread holds that lock and opens a watch (the watch cache restarting) deadlocked the API server
   * the first time etcd restarted. Here listeners run on this thread, without jetcd's lock; one thread keeps the
   * errors in order.
   */
  private final ExecutorService watchErrors = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "etcd-watch-errors");
    t.setDaemon(true);
    return t;
  });

  public EtcdStorage(String... endpoints) {
    this.client = newClient(endpoints);
    this.kv = client.getKVClient();
    // Watches get a connection (and event loop) of their own: jetcd hands every watch response to its listener on
    // the connection's single event loop, where the watch cache decodes and fans it out to every API watch. On a
    // shared connection each write's answer (a create's transaction) queued behind that work: under 200 creates/s
    // the event loop was the API server's busiest thread and the creates' tail latency followed it.
    this.watchClient = newClient(endpoints);
    this.watch = watchClient.getWatchClient();
  }

  private static Client newClient(String... endpoints) {
    // No cap on answers: a LIST of 10,000 pods, or a watch response batching a burst of creates, is well above gRPC's
    // 4 MiB default (etcd's Go client, which upstream uses, allows up to 2 GiB too).
    // jetcd's default waitForReady stays: requests made while etcd is down wait for it (up to this class's 30 s)
    // instead of failing at once. Failing at once (tried) answered informers' watch requests with 500s during an
    // etcd restart, and once in CI a Fabric8 informer from before the restart never saw a later write (e2e
    // EtcdRestartTest). The cost: a request that timed out may still be applied when etcd comes back, which its
    // 504 Timeout answer allows.
    // Calls start on the calling thread: jetcd's default hands each call to a pool thread of its own first, one more
    // thread wake-up per etcd request (its answer arrives on the gRPC event loop either way). Only the call's
    // start runs here (a gRPC write, never blocking); jetcd uses this executor for nothing else.
    return Client.builder().endpoints(endpoints).maxInboundMessageSize(Integer.MAX_VALUE)
        .executorService(MoreExecutors.newDirectExecutorService()).build();
  }

  @Override
  public long create(String key, byte[] value) {
    ByteSequence k = bytes(key);
    TxnResponse r = await(kv.txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
        .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
        .commit());
    if (!r.isSucceeded()) {
      throw new StorageException.KeyExists(key);
    }
    return r.getHeader().getRevision();
  }

  @Override
  public Optional<StoredValue> get(String key) {
    GetResponse r = await(kv.get(bytes(key)));
    return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(stored(r.getKvs().get(0)));
  }

  @Override
  public long update(String key, byte[] value, long expectedRevision) {
    ByteSequence k = bytes(key);
    TxnResponse r = await(kv.txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
        .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
        .Else(Op.get(k, GetOption.DEFAULT))
        .commit());
    if (!r.isSucceeded()) {
      throw new StorageException.RevisionMismatch(key, firstOf(r));
    }
    return r.getHeader().getRevision();
  }

  @Override
  public long delete(String key, long expectedRevision) {
    ByteSequence k = bytes(key);
    TxnResponse r = await(kv.txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
        .Then(Op.delete(k, DeleteOption.DEFAULT))
        .Else(Op.get(k, GetOption.DEFAULT))
        .commit());
    if (!r.isSucceeded()) {
      throw new StorageException.RevisionMismatch(key, firstOf(r));
    }
    return r.getHeader().getRevision();
  }

  @Override
  public ListResult list(String prefix, String startAfter, long revision, long limit) {
    // Start just after the last key of the previous page: appending \0 gives the smallest key greater than it.
    ByteSequence from = bytes(startAfter == null ? prefix : startAfter + "\0");
    GetOption.Builder opt = GetOption.builder().withRange(prefixEnd(prefix)).withRevision(revision);
    if (limit > 0) {
      opt.withLimit(limit);
    }
    GetResponse r;
    try {
      r = await(kv.get(from, opt.build()));
    } catch (StorageException e) {
      throw asCompacted(e, revision);
    }
    List<StoredValue> items = new ArrayList<>(r.getKvs().size());
    for (KeyValue kvp : r.getKvs()) {
      items.add(stored(kvp));
    }
    long at = revision > 0 ? revision : r.getHeader().getRevision();
    return new ListResult(items, at, r.isMore(), r.getCount());
  }

  /** etcd counts the keys without sending them (upstream's count for apiserver_storage_objects). */
  @Override
  public long count(String prefix) {
    return await(kv.get(bytes(prefix), GetOption.builder().withRange(prefixEnd(prefix)).withCountOnly(true)
        .build())).getCount();
  }

  @Override
  public long currentRevision() {
    return await(probe()).getHeader().getRevision();
  }

  @Override
  public void checkHealthy(Duration timeout) {
    await(probe(), timeout);
  }

  /** A read of a key that never exists: its answer still carries the cluster's newest revision in its header. */
  private CompletableFuture<GetResponse> probe() {
    return kv.get(bytes("/registry/\0revision-probe"));
  }

  @Override
  public StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener) {
    long compacted = compactedBefore(prefix, afterRevision + 1);
    if (compacted >= 0) {
      // jetcd 0.8 drops etcd's "created and cancelled for compaction" answer, so the check happens up front.
      listener.onError(new StorageException.Compacted(afterRevision, compacted));
      return () -> { };
    }
    WatchOption option = WatchOption.builder()
        .withRange(prefixEnd(prefix))
        .withRevision(afterRevision + 1)
        .withPrevKV(true)
        .withProgressNotify(true)
        .build();
    java.util.concurrent.atomic.AtomicBoolean closedByUs = new java.util.concurrent.atomic.AtomicBoolean();
    Watch.Watcher watcher = watch.watch(bytes(prefix), option, new Watch.Listener() {
      @Override
      public void onNext(WatchResponse response) {
        if (response.getEvents().isEmpty()) {
          listener.onProgress(response.getHeader().getRevision());
          return;
        }
        List<StorageEvent> events = new ArrayList<>(response.getEvents().size());
        for (WatchEvent e : response.getEvents()) {
          events.add(toEvent(e));
        }
        listener.onEvents(events);
      }

      @Override
      public void onError(Throwable error) {
        Throwable reported = error instanceof CompactedException c
            ? new StorageException.Compacted(afterRevision, c.getCompactedRevision())
            : error;
        reportLater(() -> listener.onError(reported));
      }

      @Override
      public void onCompleted() {
        if (!closedByUs.get()) {
          reportLater(() -> listener.onError(new StorageException("watch closed by etcd")));
        }
      }
    });
    return () -> {
      closedByUs.set(true);
      watcher.close();
    };
  }

  private void reportLater(Runnable report) {
    try {
      watchErrors.execute(report);
    } catch (RejectedExecutionException e) {
      // Closed: the process is stopping and nobody waits for the error any more.
    }
  }

  /**
   * Whether history from {@code revision} on is gone: a read at that revision fails once etcd has compacted past it.
   * Returns the compacted revision if known (0 when etcd did not say), or -1 when the history is there.
   */
  private long compactedBefore(String prefix, long revision) {
    if (revision <= 1 || revision > currentRevision()) {
      return -1;
    }
    try {
      await(kv.get(bytes(prefix), GetOption.builder().withRevision(revision).withKeysOnly(true).withLimit(1)
          .build()));
      return -1;
    } catch (StorageException e) {
      StorageException c = asCompacted(e, revision);
      if (c instanceof StorageException.Compacted compactedError) {
        return compactedError.compactedRevision();
      }
      throw e;
    }
  }

  /**
   * Compacts etcd's history up to {@code revision}; for tests of 410 Gone and for the compactor. Throws
   * {@link StorageException.Compacted} when etcd has already compacted at or past it.
   */
  public void compact(long revision) {
    try {
      await(client.getKVClient().compact(revision));
    } catch (StorageException e) {
      throw asCompacted(e, revision);
    }
  }

  @Override
  public void close() {
    watchErrors.shutdown();
    watchClient.close();
    client.close();
  }

  private static StorageEvent toEvent(WatchEvent e) {
    KeyValue cur = e.getKeyValue();
    KeyValue prev = e.getPrevKV();
    byte[] previous = prev == null || prev.getKey().isEmpty() ? null : prev.getValue().getBytes();
    String key = cur.getKey().toString(StandardCharsets.UTF_8);
    if (e.getEventType() == WatchEvent.EventType.DELETE) {
      return new StorageEvent(StorageEvent.Type.DELETE, key, null, previous, cur.getModRevision());
    }
    return new StorageEvent(StorageEvent.Type.PUT, key, cur.getValue().getBytes(), previous, cur.getModRevision());
  }

  private static StoredValue firstOf(TxnResponse r) {
    if (r.getGetResponses().isEmpty() || r.getGetResponses().get(0).getKvs().isEmpty()) {
      return null;
    }
    return stored(r.getGetResponses().get(0).getKvs().get(0));
  }

  private static StoredValue stored(KeyValue kv) {
    return new StoredValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
        kv.getModRevision());
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** The first key after every key that starts with {@code prefix}: the prefix with its last byte plus one. */
  private static ByteSequence prefixEnd(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteSequence.from(java.util.Arrays.copyOf(end, i + 1));
      }
    }
    return ByteSequence.from(new byte[] {0});
  }

  private static StorageException asCompacted(StorageException e, long revision) {
    Throwable c = e.getCause();
    while (c != null) {
      if (c instanceof CompactedException ce) {
        return new StorageException.Compacted(revision, ce.getCompactedRevision());
      }
      if (c.getMessage() != null && c.getMessage().contains("required revision has been compacted")) {
        return new StorageException.Compacted(revision, 0);
      }
      c = c.getCause();
    }
    return e;
  }

  private static <T> T await(CompletableFuture<T> f) {
    return await(f, TIMEOUT);
  }

  private static <T> T await(CompletableFuture<T> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted", e);
    } catch (ExecutionException e) {
      throw new StorageException("etcd request failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new StorageException.Timeout("etcd request timed out after " + timeout.toSeconds() + "s", e);
    }
  }
}
