package io.quarkube.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N streaming GETs held open on one client, each reading lines; a round is "something happens at t0, then every
 * stream should see a line carrying marker round K". Records each stream's delay from t0 to the line.
 */
final class FanOut implements AutoCloseable {
  static final String MARKER = "\"bench.quarkube.io/round\":\"";

  private final List<Flow.Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile int round = -1;
  private volatile long roundStart;
  private volatile Latencies roundLatencies = new Latencies();
  private volatile CountDownLatch roundDone = new CountDownLatch(0);

  /** Opens n streams on uri, in batches so the TLS handshakes don't all queue at once; waits for their headers. */
  void open(HttpClient http, URI uri, int n) throws Exception {
    int batch = 50;
    for (int from = 0; from < n; from += batch) {
      int size = Math.min(batch, n - from);
      CountDownLatch headers = new CountDownLatch(size);
      for (int i = 0; i < size; i++) {
        HttpRequest req = HttpRequest.newBuilder(uri).header("Accept", "application/json").GET().build();
        http.sendAsync(req, info -> {
          if (info.statusCode() != 200) {
            failed.incrementAndGet();
          }
          headers.countDown();
          return HttpResponse.BodySubscribers.fromLineSubscriber(new Watcher());
        }).whenComplete((r, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            headers.countDown();
          }
        });
      }
      if (!headers.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("streams did not answer within 60 s (" + (from + size) + " asked for)");
      }
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " streams failed to open at " + uri);
      }
    }
  }

  int open() {
    return subscriptions.size();
  }

  /** Starts round k at now (call just before causing the event), for n streams. */
  void startRound(int k, int n) {
    roundLatencies = new Latencies();
    roundDone = new CountDownLatch(n);
    roundStart = System.nanoTime();
    round = k;
  }

  /** Waits until every stream saw the round (or the timeout); returns this round's delays. */
  Latencies awaitRound(long timeoutSeconds) throws InterruptedException {
    if (!roundDone.await(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + roundLatencies.count() + " of the streams saw round " + round
          + " within " + timeoutSeconds + " s");
    }
    return roundLatencies;
  }

  private final class Watcher implements Flow.Subscriber<String> {
    private int seen = -1;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscriptions.add(s);
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      int at = line.indexOf(MARKER);
      if (at < 0) {
        return;
      }
      int from = at + MARKER.length();
      int to = line.indexOf('"', from);
      int k;
      try {
        k = Integer.parseInt(line.substring(from, to));
      } catch (RuntimeException e) {
        return;
      }
      if (k == round && k != seen) {
        seen = k;
        roundLatencies.add(System.nanoTime() - roundStart);
        roundDone.countDown();
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }

  @Override
  public void close() {
    for (Flow.Subscription s : subscriptions) {
      s.cancel();
    }
  }

}
