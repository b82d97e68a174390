package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;

class PingStatisticsTest {

    private static final int PEER = Ipv4Address.parse("198.18.0.1");

    private final PingStatistics statistics = new PingStatistics("198.18.0.1", PEER);

    @Test
    void printsTheHeaderWithDataAndDatagramSizes() {
        assertEquals("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.", PingStatistics.header("198.18.0.1", PEER, 56));
        assertEquals("PING 198.18.0.1 (198.18.0.1) 4000(4028) bytes of data.", PingStatistics.header("198.18.0.1", PEER, 4000));
    }

    @Test
    void formatsReplyTimesWithAboutThreeSignificantDigitsAsIputils() {
        assertEquals("0.000", PingStatistics.time(0));
        assertEquals("0.053", PingStatistics.time(53));
        assertEquals("0.999", PingStatistics.time(999));
        assertEquals("1.00", PingStatistics.time(1000));
        assertEquals("1.23", PingStatistics.time(1234));
        assertEquals("1.24", PingStatistics.time(1235));
        assertEquals("9.99", PingStatistics.time(9994));
        assertEquals("10.0", PingStatistics.time(9995));
        assertEquals("12.3", PingStatistics.time(12_345));
        assertEquals("99.9", PingStatistics.time(99_949));
        assertEquals("100", PingStatistics.time(99_950));
        assertEquals("123", PingStatistics.time(123_456));
        assertEquals("1001", PingStatistics.time(1_000_600));
    }

    @Test
    void printsAReplyLine() {
        statistics.sent();
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.053 ms", statistics.reply(PEER, 1, 64, 64, 53_400));
    }

    @Test
    void marksADuplicateReply() {
        statistics.sent();
        statistics.reply(PEER, 1, 64, 64, 53_000);
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.060 ms (DUP!)", statistics.reply(PEER, 1, 64, 64, 60_000));
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "1 packets transmitted, 1 received, +1 duplicates, 0% packet loss, time 0ms\n"
                + "rtt min/avg/max/mdev = 0.053/0.056/0.060/0.003 ms\n", statistics.summary(0));
    }

    @Test
    void leavesOutTheTimeWhenTheRequestCarriedNoTimestamp() {
        statistics.sent();
        assertEquals("12 bytes from 198.18.0.1: icmp_seq=1 ttl=64", statistics.reply(PEER, 1, 64, 12, -1));
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n", statistics.summary(0));
    }

    @Test
    void printsErrorsAsIputils() {
        assertEquals("From 198.18.0.1 icmp_seq=1 Destination Port Unreachable", statistics.error(PEER, 1, 3, 3));
        assertEquals("From 198.18.0.1 icmp_seq=2 Destination Host Unreachable", statistics.error(PEER, 2, 3, 1));
        assertEquals("From 198.18.0.1 icmp_seq=3 Time to live exceeded", statistics.error(PEER, 3, 11, 0));
        assertEquals("Destination Net Unreachable", PingStatistics.describe(3, 0));
        assertEquals("Destination Protocol Unreachable", PingStatistics.describe(3, 2));
        assertEquals("Frag needed and DF set", PingStatistics.describe(3, 4));
        assertEquals("Frag reassembly time exceeded", PingStatistics.describe(11, 1));
        assertEquals("Dest Unreachable, Bad Code: 99", PingStatistics.describe(3, 99));
    }

    @Test
    void summarisesFullSuccessWithMdevAsThePopulationStandardDeviation() {
        for (int sequence = 1; sequence <= 3; sequence++) {
            statistics.sent();
            statistics.reply(PEER, sequence, 64, 64, (30 + 10 * sequence) * 1000L);
        }
        // 40, 50, 60 us: variance (7700 - 150*150/3)/3 = 66 (integer, as iputils), sqrt -> 8 us.
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "3 packets transmitted, 3 received, 0% packet loss, time 2003ms\n"
                + "rtt min/avg/max/mdev = 0.040/0.050/0.060/0.008 ms\n", statistics.summary(2_003_400_000L));
    }

    @Test
    void computesMdevLikeIputilsForLargerTimes() {
        assertEquals(0, PingStatistics.mdev(500, 250_000, 1));
        // 1 ms and 3 ms: mean 2 ms, deviation exactly 1 ms.
        assertEquals(1000, PingStatistics.mdev(4000, 10_000_000, 2));
        // Sums past INT_MAX take iputils' other branch: E[x^2] - E[x]^2.
        long a = 2_000_000_000L;
        long b = 2_000_002_000L;
        assertEquals(1000, PingStatistics.mdev(a + b, a * a + b * b, 2));
    }

    @Test
    void summarisesPartialLossWithCsPercentG() {
        for (int sequence = 1; sequence <= 3; sequence++) {
            statistics.sent();
        }
        statistics.reply(PEER, 1, 64, 64, 1_234_000);
        statistics.reply(PEER, 3, 64, 64, 2_000_000);
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "3 packets transmitted, 2 received, 33.3333% packet loss, time 2001ms\n"
                + "rtt min/avg/max/mdev = 1.234/1.617/2.000/0.383 ms\n", statistics.summary(2_000_600_000L));
    }

    @Test
    void formatsLossPercentagesAsPercentG() {
        assertEquals("0", PingStatistics.loss(4, 4));
        assertEquals("25", PingStatistics.loss(4, 3));
        assertEquals("50", PingStatistics.loss(2, 1));
        assertEquals("66.6667", PingStatistics.loss(3, 1));
        assertEquals("14.2857", PingStatistics.loss(7, 6));
        assertEquals("0.1", PingStatistics.loss(1000, 999));
        assertEquals("100", PingStatistics.loss(5, 0));
    }

    @Test
    void summarisesTotalLossWithoutAnRttLine() {
        for (int sequence = 1; sequence <= 4; sequence++) {
            statistics.sent();
        }
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "4 packets transmitted, 0 received, 100% packet loss, time 3999ms\n", statistics.summary(3_999_000_000L));
    }

    @Test
    void countsErrorsInTheSummary() {
        for (int sequence = 1; sequence <= 2; sequence++) {
            statistics.sent();
            statistics.error(PEER, sequence, 3, 1);
        }
        assertEquals(0, statistics.outstanding());
        assertEquals("--- 198.18.0.1 ping statistics ---\n"
                + "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1002ms\n", statistics.summary(1_002_000_000L));
    }
}
