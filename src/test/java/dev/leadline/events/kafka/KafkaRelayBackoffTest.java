package dev.leadline.events.kafka;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The wait after a try the broker did not acknowledge: doubling, jittered, capped, never negative or overflowing. */
class KafkaRelayBackoffTest {

    @Test
    void theDelayDoublesWithJitterUpToTheCap() {
        KafkaRelay relay = new KafkaRelay(1000, 60_000);
        for (int i = 0; i < 200; i++) {
            assertBetween(500, 1000, relay.delayMillis(1));
            assertBetween(1000, 2000, relay.delayMillis(2));
            assertBetween(4000, 8000, relay.delayMillis(4));
            assertBetween(30_000, 60_000, relay.delayMillis(7));   // 64 s capped at 60 s
            assertBetween(30_000, 60_000, relay.delayMillis(1_000)); // no overflow after many tries
        }
    }

    @Test
    void eachStartHasAnInstanceNameOfItsOwn() {
        assertNotEquals(new KafkaRelay(1, 1).instance(), new KafkaRelay(1, 1).instance());
    }

    private static void assertBetween(long low, long high, long value) {
        assertTrue(value >= low && value <= high, value + " not in [" + low + ", " + high + "]");
    }
}
