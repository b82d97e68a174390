package dev.strata.shell;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.BitSet;

import dev.strata.api.ipv4.Ipv4Address;

/**
 * What one {@code ping} run counted, and every line it prints, formatted as iputils
 * (ping_common.c: {@code gather_statistics}, {@code finish}) formats them. Round trip times
 * are kept in whole microseconds as iputils keeps them, so min/avg/max/mdev come out
 * digit for digit the same.
 */
final class PingStatistics {

    private final String host;
    private final int destination;
    private final BitSet answered = new BitSet(1 << 16);
    private long transmitted;
    private long received;
    private long duplicates;
    private long errors;
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros;
    private long sumMicros;
    private long sumSquaresMicros;
    private long timed;

    PingStatistics(String host, int destination) {
        this.host = host;
        this.destination = destination;
    }

    /** {@code PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.}: data size, then with the ICMP (8) and IPv4 (20) headers. */
    static String header(String host, int destination, int size) {
        return "PING " + host + " (" + Ipv4Address.format(destination) + ") " + size + "(" + (size + 28) + ") bytes of data.";
    }

    void sent() {
        transmitted++;
    }

    long transmitted() {
        return transmitted;
    }

    long received() {
        return received;
    }

    long errors() {
        return errors;
    }

    /** Requests neither answered nor reported as failed. */
    long outstanding() {
        return transmitted - received - errors;
    }

    /**
     * Counts a reply and returns its line, e.g. {@code 64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.053 ms}.
     *
     * @param rttNanos the round trip time, or negative when the request carried no timestamp
     */
    String reply(int from, int sequence, int ttl, int bytes, long rttNanos) {
        int slot = sequence & 0xffff;
        boolean duplicate = answered.get(slot);
        if (duplicate) {
            duplicates++;
        } else {
            answered.set(slot);
            received++;
        }
        StringBuilder line = new StringBuilder(80);
        line.append(bytes).append(" bytes from ").append(Ipv4Address.format(from)).append(": icmp_seq=").append(sequence)
                .append(" ttl=").append(ttl);
        if (rttNanos >= 0) {
            long micros = rttNanos / 1000;
            timed++;
            sumMicros += micros;
            sumSquaresMicros += micros * micros;
            minMicros = Math.min(minMicros, micros);
            maxMicros = Math.max(maxMicros, micros);
            line.append(" time=").append(time(micros)).append(" ms");
        }
        if (duplicate) {
            line.append(" (DUP!)");
        }
        return line.toString();
    }

    /** Counts an ICMP error about a request and returns iputils' line, e.g. {@code From 198.18.0.1 icmp_seq=1 Destination Host Unreachable}. */
    String error(int from, int sequence, int type, int code) {
        int slot = sequence & 0xffff;
        if (!answered.get(slot)) {
            answered.set(slot);
            errors++;
        }
        return "From " + Ipv4Address.format(from) + " icmp_seq=" + sequence + " " + describe(type, code);
    }

    /**
     * The summary after the blank line: the statistics title, the counts, and the rtt line
     * when a timed reply came.
     */
    String summary(long elapsedNanos) {
        StringBuilder text = new StringBuilder(200);
        text.append("--- ").append(host).append(" ping statistics ---\n");
        text.append(transmitted).append(" packets transmitted, ").append(received).append(" received");
        if (duplicates > 0) {
            text.append(", +").append(duplicates).append(" duplicates");
        }
        if (errors > 0) {
            text.append(", +").append(errors).append(" errors");
        }
        if (transmitted > 0) {
            text.append(", ").append(loss(transmitted, received)).append("% packet loss");
            long elapsedMicros = elapsedNanos / 1000;
            text.append(", time ").append((elapsedMicros + 500) / 1000).append("ms");
        }
        text.append('\n');
        if (timed > 0) {
            long average = sumMicros / timed;
            long deviation = mdev(sumMicros, sumSquaresMicros, timed);
            text.append("rtt min/avg/max/mdev = ").append(millis(minMicros)).append('/').append(millis(average)).append('/')
                    .append(millis(maxMicros)).append('/').append(millis(deviation)).append(" ms\n");
        }
        return text.toString();
    }

    /** The address pinged, as the summary's title names it. */
    int destination() {
        return destination;
    }

    /**
     * iputils' reply time: three decimals below 1 ms, then two, one and none, so that about
     * three significant digits show ({@code 0.053}, {@code 1.23}, {@code 12.3}, {@code 123}).
     */
    static String time(long micros) {
        if (micros >= 100_000 - 50) {
            return Long.toString((micros + 500) / 1000);
        }
        if (micros >= 10_000 - 5) {
            return (micros + 50) / 1000 + "." + ((micros + 50) % 1000) / 100;
        }
        if (micros >= 1000) {
            return (micros + 5) / 1000 + "." + twoDigits(((micros + 5) % 1000) / 10);
        }
        return micros / 1000 + "." + threeDigits(micros % 1000);
    }

    /** {@code %ld.%03ld} of microseconds as milliseconds. */
    static String millis(long micros) {
        return micros / 1000 + "." + threeDigits(micros % 1000);
    }

    /**
     * The mean deviation iputils prints: the population standard deviation, in integer
     * microseconds, from the sum and the sum of squares (sqrt(E[x^2] - E[x]^2)).
     */
    static long mdev(long sum, long sumSquares, long count) {
        long variance;
        if (sum < Integer.MAX_VALUE) {
            variance = (sumSquares - sum * sum / count) / count;
        } else {
            long average = sum / count;
            variance = sumSquares / count - average * average;
        }
        return variance <= 0 ? 0 : isqrt(variance);
    }

    private static long isqrt(long value) {
        long root = (long) Math.sqrt((double) value);
        while (root * root > value) {
            root--;
        }
        while ((root + 1) * (root + 1) <= value) {
            root++;
        }
        return root;
    }

    /** The loss as C's {@code %g} prints iputils' float: {@code 0}, {@code 25}, {@code 33.3333}, {@code 100}. */
    static String loss(long transmitted, long received) {
        float percent = (float) ((transmitted - received) * 100.0 / transmitted);
        BigDecimal value = new BigDecimal(percent).round(new MathContext(6, RoundingMode.HALF_EVEN));
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    /** iputils' words for an ICMP error (ping4_common.c {@code pr_icmph}). */
    static String describe(int type, int code) {
        switch (type) {
            case 3:
                switch (code) {
                    case 0: return "Destination Net Unreachable";
                    case 1: return "Destination Host Unreachable";
                    case 2: return "Destination Protocol Unreachable";
                    case 3: return "Destination Port Unreachable";
                    case 4: return "Frag needed and DF set";
                    case 5: return "Source Route Failed";
                    case 6: return "Destination Net Unknown";
                    case 7: return "Destination Host Unknown";
                    case 8: return "Source Host Isolated";
                    case 9: return "Destination Net Prohibited";
                    case 10: return "Destination Host Prohibited";
                    case 11: return "Destination Net Unreachable for Type of Service";
                    case 12: return "Destination Host Unreachable for Type of Service";
                    case 13: return "Packet filtered";
                    case 14: return "Precedence Violation";
                    case 15: return "Precedence Cutoff";
                    default: return "Dest Unreachable, Bad Code: " + code;
                }
            case 4:
                return "Source Quench";
            case 5:
                switch (code) {
                    case 0: return "Redirect Network";
                    case 1: return "Redirect Host";
                    case 2: return "Redirect Type of Service and Network";
                    case 3: return "Redirect Type of Service and Host";
                    default: return "Redirect, Bad Code: " + code;
                }
            case 11:
                switch (code) {
                    case 0: return "Time to live exceeded";
                    case 1: return "Frag reassembly time exceeded";
                    default: return "Time exceeded, Bad Code: " + code;
                }
            case 12:
                return "Parameter problem";
            default:
                return "Bad ICMP type: " + type;
        }
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }

    private static String threeDigits(long value) {
        return value < 10 ? "00" + value : value < 100 ? "0" + value : Long.toString(value);
    }
}
