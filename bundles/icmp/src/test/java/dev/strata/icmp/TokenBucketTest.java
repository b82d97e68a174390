package dev.strata.icmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.time.ManualScheduler;

class TokenBucketTest {

    private final ManualScheduler clock = new ManualScheduler(123_456_789L);

    private int drain(TokenBucket bucket) {
        int n = 0;
        while (bucket.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Test
    void startsFullAndRefillsAtItsRate() {
        TokenBucket bucket = new TokenBucket(clock, 1000, 50);
        assertEquals(50, drain(bucket));
        clock.advance(999, TimeUnit.MICROSECONDS);
        assertFalse(bucket.tryAcquire());
        clock.advance(1, TimeUnit.MICROSECONDS);
        assertTrue(bucket.tryAcquire());
        clock.advance(10, TimeUnit.MILLISECONDS);
        assertEquals(10, drain(bucket));
    }

    @Test
    void neverHoldsMoreThanItsBurstEvenAfterAnAge() {
        TokenBucket bucket = new TokenBucket(clock, 1000, 50);
        drain(bucket);
        clock.advance(365, TimeUnit.DAYS);
        assertEquals(50, drain(bucket));
    }

    @Test
    void keepsFractionsOfATokenBetweenCalls() {
        TokenBucket bucket = new TokenBucket(clock, 3, 5);
        assertEquals(5, drain(bucket));
        int sent = 0;
        for (int i = 0; i < 1000; i++) {
            clock.advance(1, TimeUnit.MILLISECONDS);
            sent += drain(bucket);
        }
        assertEquals(3, sent);
    }
}
