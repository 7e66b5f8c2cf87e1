package io.quarkube.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanDurationTest {

  @ParameterizedTest
  @CsvSource({
      "-3000, <invalid>",
      "-2000, <invalid>",
      "-1999, 0s",
      "-1500, 0s",
      "-1000, 0s",
      "0, 0s",
      "1000, 1s",
      "70000, 70s",
      "119999, 119s",
      "120000, 2m",
      "121000, 2m1s",
      "599000, 9m59s",
      "600000, 10m",
      "10799000, 179m",
      "10800000, 3h",
      "10860000, 3h1m",
      "28740000, 7h59m",
      "28800000, 8h",
      "172799000, 47h",
      "172800000, 2d",
      "176400000, 2d1h",
      "691200000, 8d",
      "63072000000, 2y",
      "62985600000, 729d",
      "63158400000, 2y1d",
      "252288000000, 8y",
      "315360000000, 10y"})
  void formatsLikeUpstream(long millis, String expected) {
    assertEquals(expected, HumanDuration.format(Duration.ofMillis(millis)));
  }
}
