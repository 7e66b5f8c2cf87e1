package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkube.testing.EtcdServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Lists and watch batches larger than gRPC's default 4 MiB message limit (e.g. LIST of 10,000 pods) still work. */
class LargeAnswersTest {
  @Test
  void listsAndWatchesAboveFourMebibytes() throws Exception {
    String prefix = "/registry/configmaps/large-" + UUID.randomUUID().toString().substring(0, 6) + "/";
    byte[] value = new byte[512 * 1024];
    Arrays.fill(value, (byte) 'x');
    try (EtcdStorage s = new EtcdStorage(EtcdServer.shared().endpoint())) {
      long from = s.currentRevision();
      List<StorageEvent> events = new CopyOnWriteArrayList<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<Long> revisions = new ArrayList<>();
      for (int i = 0; i < 12; i++) { // 6 MiB in all
        revisions.add(s.create(prefix + i, value));
      }
      assertEquals(12, s.list(prefix, null, 0, 0).items().size());
      // A watch started before the writes gets all of them in its first answers, which etcd batches.
      StorageWatch w = s.watch(prefix, from, StorageWatchListener.of(events::addAll, r -> { }, errors::add));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (events.size() < 12 && errors.isEmpty() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      w.close();
      assertEquals(List.of(), errors);
      assertEquals(12, events.size());
    }
  }
}
