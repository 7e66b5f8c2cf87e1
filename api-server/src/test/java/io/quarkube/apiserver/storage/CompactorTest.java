package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * etcd's history is compacted to a revision at least one interval old, against a real etcd; the mark of where and
 * when etcd was lives in etcd, so it outlives the API server that set it.
 */
class CompactorTest {
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String markKey = "/quarkube-test/compaction-mark-" + id;
  private final String prefix = "/registry/configmaps/compact-" + id + "/";
  private final Instant start = Instant.parse("2026-11-26T10:00:00Z");
  private EtcdStorage etcd;

  @BeforeEach
  void connect() {
    etcd = new EtcdStorage(EtcdServer.shared().endpoint());
  }

  @AfterEach
  void close() {
    etcd.close();
  }

  private Compactor compactorAt(Instant now) {
    return new Compactor(etcd, markKey, Clock.fixed(now, ZoneOffset.UTC));
  }

  private Compactor.Mark mark() {
    return Compactor.Mark.parse(etcd.get(markKey).orElseThrow().value());
  }

  @Test
  void theFirstTickOnlyMarksWhereEtcdIsAndAnIntervalLaterHistoryBeforeTheMarkIsGone() {
    long first = etcd.create(prefix + "a", V);
    assertEquals(0, compactorAt(start).tick(INTERVAL), "nothing to compact without a mark");
    Compactor.Mark marked = mark();
    assertTrue(marked.revision() >= first);
    assertEquals(start.toEpochMilli(), marked.timeMillis());

    long b = etcd.create(prefix + "b", V);
    assertEquals(0, compactorAt(start.plus(Duration.ofMinutes(4))).tick(INTERVAL), "the mark is too young");
    etcd.list(prefix, null, first, 0); // history still there

    assertEquals(marked.revision(), compactorAt(start.plus(INTERVAL)).tick(INTERVAL));
    assertThrows(StorageException.Compacted.class, () -> etcd.list(prefix, null, first - 1, 0));
    assertEquals(2, etcd.list(prefix, null, b, 0).items().size(), "history after the mark stays");
    Compactor.Mark moved = mark();
    assertTrue(moved.revision() >= b, "the mark moved to where etcd is now");
    assertEquals(start.plus(INTERVAL).toEpochMilli(), moved.timeMillis());
  }

  @Test
  void aRestartedApiServerCompactsToTheMarkAnEarlierOneLeft() {
    etcd.create(prefix + "a", V);
    compactorAt(start).tick(INTERVAL); // the first API server ran for less than an interval
    long marked = mark().revision();
    etcd.create(prefix + "b", V);

    // Restarted three minutes later: the mark keeps its age instead of starting over.
    assertEquals(0, compactorAt(start.plus(Duration.ofMinutes(3))).tick(INTERVAL));
    assertEquals(marked, mark().revision());
    assertEquals(marked, compactorAt(start.plus(Duration.ofMinutes(6))).tick(INTERVAL));
    assertThrows(StorageException.Compacted.class, () -> etcd.list(prefix, null, marked - 1, 0));
  }

  @Test
  void aMarkAlreadyCompactedPastOrUnreadableIsMovedOn() {
    etcd.create(prefix + "a", V);
    compactorAt(start).tick(INTERVAL);
    long marked = mark().revision();
    etcd.create(prefix + "b", V);
    etcd.compact(etcd.currentRevision()); // someone else (etcdctl) compacted further
    assertEquals(marked, compactorAt(start.plus(INTERVAL)).tick(INTERVAL), "no error for history already gone");
    assertTrue(mark().revision() > marked);

    long version = etcd.get(markKey).orElseThrow().modRevision();
    etcd.update(markKey, "not a mark".getBytes(StandardCharsets.UTF_8), version);
    assertEquals(0, compactorAt(start.plus(Duration.ofMinutes(6))).tick(INTERVAL));
    assertEquals(start.plus(Duration.ofMinutes(6)).toEpochMilli(), mark().timeMillis(), "replaced by a real mark");
  }
}
