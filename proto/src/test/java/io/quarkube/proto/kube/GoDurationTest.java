package io.quarkube.proto.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Expected texts are what Go's time.Duration.String() prints for the same values. */
class GoDurationTest {

    @Test
    void formatsLikeGo() {
        assertEquals("0s", GoDuration.format(0));
        assertEquals("1ns", GoDuration.format(1));
        assertEquals("1.1\u00b5s", GoDuration.format(1_100));
        assertEquals("2.2ms", GoDuration.format(2_200_000));
        assertEquals("3.3s", GoDuration.format(3_300_000_000L));
        assertEquals("4m5s", GoDuration.format(245_000_000_000L));
        assertEquals("4m5.001s", GoDuration.format(245_001_000_000L));
        assertEquals("5h6m7.001s", GoDuration.format(18_367_001_000_000L));
        assertEquals("1h0m0s", GoDuration.format(3_600_000_000_000L));
        assertEquals("-1m30s", GoDuration.format(-90_000_000_000L));
        assertEquals("2562047h47m16.854775807s", GoDuration.format(Long.MAX_VALUE));
        assertEquals("-2562047h47m16.854775808s", GoDuration.format(Long.MIN_VALUE));
    }

    @Test
    void parsesLikeGo() {
        assertEquals(0, GoDuration.parse("0"));
        assertEquals(3_600_000_000_000L, GoDuration.parse("1h"));
        assertEquals(5_400_000_000_000L, GoDuration.parse("1.5h"));
        assertEquals(90_000_000_000L, GoDuration.parse("1m30s"));
        assertEquals(-1_500_000L, GoDuration.parse("-1.5ms"));
        assertEquals(2_000L, GoDuration.parse("2us"));
        assertEquals(2_000L, GoDuration.parse("2\u00b5s"));
        assertEquals(300_000_000L, GoDuration.parse(".3s"));
        for (String bad : new String[] {"", "1", "1x", "h", "1.2.3s", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
        }
    }
}
