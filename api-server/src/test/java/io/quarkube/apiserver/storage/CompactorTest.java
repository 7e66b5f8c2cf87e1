package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** etcd's history is compacted one interval behind, as upstream's API server does. */
class CompactorTest {
  @Test
  void eachTickCompactsToTheRevisionSeenAtThePreviousTick() {
    AtomicLong revision = new AtomicLong(10);
    List<Long> compacted = new ArrayList<>();
    Compactor c = new Compactor(revision::get, compacted::add);
    c.tick();
    assertEquals(List.of(), compacted, "the first tick only remembers where etcd is");
    revision.set(25);
    c.tick();
    assertEquals(List.of(10L), compacted);
    c.tick(); // nothing written since: nothing to compact
    assertEquals(List.of(10L), compacted);
    revision.set(40);
    c.tick();
    assertEquals(List.of(10L, 25L), compacted);
  }

  @Test
  void historyBeforeThePreviousTickIsGoneAndTheRestStays() {
    String prefix = "/registry/configmaps/compact-" + UUID.randomUUID().toString().substring(0, 6) + "/";
    byte[] v = "v".getBytes(StandardCharsets.UTF_8);
    try (EtcdStorage s = new EtcdStorage(EtcdServer.shared().endpoint())) {
      long first = s.create(prefix + "a", v);
      Compactor c = new Compactor(s::currentRevision, s::compact);
      c.tick();
      long kept = s.currentRevision();
      s.create(prefix + "b", v);
      c.tick();
      assertThrows(StorageException.Compacted.class, () -> s.list(prefix, null, first - 1, 0));
      assertEquals(1, s.list(prefix, null, kept, 0).items().size());
    }
  }
}
