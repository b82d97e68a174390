package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {

    private static final long MS = 1_000_000L;

    private final RttEstimator rfc = new RttEstimator(RttEstimator.RFC_MIN_RTO_NANOS, RttEstimator.MAX_RTO_NANOS);
    private final RttEstimator linux = new RttEstimator(RttEstimator.LINUX_MIN_RTO_NANOS, RttEstimator.MAX_RTO_NANOS);

    @Test
    void startsWithOneSecondBeforeAnySample() {
        assertFalse(rfc.hasSample());
        assertEquals(1000 * MS, rfc.rtoNanos);
    }

    @Test
    void samplesOnEveryAckUseGainsDividedByTheExpectedSamples() {
        // RFC 7323 Appendix G: alpha' = 1/8 / k, beta' = 1/4 / k
        linux.sample(100 * MS);
        linux.sample(180 * MS, 4);
        // RTTVAR = 50 - 50/16 + 80/16 = 51.875 ms; SRTT = 100 - 100/32 + 180/32 = 102.5 ms
        assertEquals(51_875_000L, linux.rttVarianceNanos);
        assertEquals(102_500_000L, linux.smoothedRttNanos);
        assertEquals(102_500_000L + 4 * 51_875_000L, linux.rtoNanos);
    }

    @Test
    void firstSampleSetsSrttAndHalfOfItAsVariance() {
        linux.sample(100 * MS);
        assertEquals(100 * MS, linux.smoothedRttNanos);
        assertEquals(50 * MS, linux.rttVarianceNanos);
        assertEquals(300 * MS, linux.rtoNanos); // 100 + 4 * 50
    }

    @Test
    void laterSamplesUpdateVarianceBeforeSrtt() {
        linux.sample(100 * MS);
        linux.sample(200 * MS);
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
        assertEquals(62_500_000L, linux.rttVarianceNanos);
        assertEquals(112_500_000L, linux.smoothedRttNanos);
        assertEquals(362_500_000L, linux.rtoNanos);
    }

    @Test
    void rtoNeverGoesBelowTheConfiguredMinimum() {
        rfc.sample(10 * MS);
        assertEquals(1000 * MS, rfc.rtoNanos);
        linux.sample(10 * MS);
        assertEquals(200 * MS, linux.rtoNanos);
    }

    @Test
    void granularityBoundsTheVarianceTerm() {
        RttEstimator fine = new RttEstimator(0, RttEstimator.MAX_RTO_NANOS);
        for (int i = 0; i < 50; i++) {
            fine.sample(10 * MS);
        }
        // RTTVAR decays towards 0; RTO = SRTT + max(G, 4 * RTTVAR) stays at least SRTT + G
        assertEquals(10 * MS + RttEstimator.GRANULARITY_NANOS, fine.rtoNanos);
    }

    @Test
    void backoffDoublesUpToSixtySeconds() {
        assertEquals(1000 * MS, rfc.rtoNanos);
        rfc.backoff();
        assertEquals(2000 * MS, rfc.rtoNanos);
        for (int i = 0; i < 10; i++) {
            rfc.backoff();
        }
        assertEquals(60_000 * MS, rfc.rtoNanos);
        assertEquals(11, rfc.backoffs);
    }

    @Test
    void newSampleAfterBackoffRecomputesRto() {
        linux.sample(100 * MS);
        linux.backoff();
        linux.backoff();
        assertEquals(1200 * MS, linux.rtoNanos);
        linux.sample(100 * MS);
        assertEquals(0, linux.backoffs);
        assertEquals(100 * MS + 4 * 37_500_000L, linux.rtoNanos);
    }

    @Test
    void handshakeLossWithoutSampleGivesThreeSeconds() {
        rfc.backoff();
        rfc.afterHandshakeLoss();
        assertEquals(3000 * MS, rfc.rtoNanos);
        linux.sample(100 * MS);
        linux.afterHandshakeLoss(); // a sample exists: untouched
        assertEquals(300 * MS, linux.rtoNanos);
    }
}
