package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestEndTest {
  @Test
  void theActionRunsOnceWhicheverComesFirst() throws Exception {
    java.lang.reflect.Constructor<RequestEnd> make = RequestEnd.class.getDeclaredConstructor();
    make.setAccessible(true);
    AtomicInteger runs = new AtomicInteger();

    RequestEnd registeredFirst = make.newInstance();
    registeredFirst.onEnd(runs::incrementAndGet);
    assertEquals(0, runs.get());
    registeredFirst.end();
    registeredFirst.end();
    assertEquals(1, runs.get());

    RequestEnd closedFirst = make.newInstance(); // the socket closed before the metrics registered their action
    closedFirst.end();
    closedFirst.onEnd(runs::incrementAndGet);
    assertEquals(2, runs.get());
  }
}
