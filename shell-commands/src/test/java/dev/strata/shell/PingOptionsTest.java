package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;

class PingOptionsTest {

    private static String error(String... words) {
        CommandException e = assertThrows(CommandException.class, () -> PingOptions.parse(List.of(words)));
        assertTrue(!e.error().contains("\n"), e.error());
        return e.error();
    }

    @Test
    void defaultsToFourRequestsOfFiftySixBytesOneSecondApart() {
        PingOptions options = PingOptions.parse(List.of("198.18.0.1"));
        assertEquals(new PingOptions(4, 56, 1_000_000_000L, 1_000_000_000L, 64, false, Ipv4Address.parse("198.18.0.1"), "198.18.0.1"),
                options);
    }

    @Test
    void takesEveryOptionInGetoptForms() {
        PingOptions options = PingOptions.parse(List.of("-c3", "-s", "4000", "-i", "0.2", "198.18.0.1", "-W", "2.5", "-t", "1", "-qn"));
        assertEquals(new PingOptions(3, 4000, 200_000_000L, 2_500_000_000L, 1, true, Ipv4Address.parse("198.18.0.1"), "198.18.0.1"),
                options);
    }

    @Test
    void takesTheValuesGogoMatchedToTheParameters() {
        PingOptions options = PingOptions.of("10", "0", "0.002", "1", "255", false, List.of("127.0.0.1"));
        assertEquals(10, options.count());
        assertEquals(0, options.size());
        assertEquals(2_000_000L, options.intervalNanos());
        assertEquals(255, options.ttl());
    }

    @Test
    void rejectsBadValuesWithIputilsMessages() {
        assertEquals("ping: invalid argument: 'abc'", error("-c", "abc", "198.18.0.1"));
        assertEquals("ping: invalid argument: '0': out of range: 1 <= value <= 2147483647", error("-c", "0", "198.18.0.1"));
        assertEquals("ping: packet size 70000 is too large. Maximum is 65507", error("-s", "70000", "198.18.0.1"));
        assertEquals("ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647", error("-s", "-1", "198.18.0.1"));
        assertEquals("ping: cannot flood; minimal interval allowed is 2ms", error("-i", "0.001", "198.18.0.1"));
        assertEquals("ping: bad timing interval: soon", error("-i", "soon", "198.18.0.1"));
        assertEquals("ping: bad timing interval: NaN", error("-i", "NaN", "198.18.0.1"));
        assertEquals("ping: bad linger time: x", error("-W", "x", "198.18.0.1"));
        assertEquals("ping: bad linger time: 0", error("-W", "0", "198.18.0.1"));
        assertEquals("ping: invalid argument: '256': out of range: 1 <= value <= 255", error("-t", "256", "198.18.0.1"));
    }

    @Test
    void rejectsBadCommandLines() {
        assertEquals("ping: usage error: Destination address required", error());
        assertEquals("ping: usage error: Destination address required", error("-c", "3"));
        assertEquals("ping: option requires an argument -- 'c'", error("198.18.0.1", "-c"));
        assertEquals("ping: invalid option -- 'x'", error("-x", "198.18.0.1"));
        assertEquals("ping: only one destination allowed, got '198.18.0.1 198.18.0.2'", error("198.18.0.1", "198.18.0.2"));
    }

    @Test
    void refusesANameThatIsNotAnAddressLikeAFailedLookup() {
        CommandException e = assertThrows(CommandException.class, () -> PingOptions.parse(List.of("example.invalid")));
        assertEquals("ping: example.invalid: Name or service not known", e.getMessage());
        assertNull(e.usageHint());
    }

    @Test
    void addsTheUsageHintToCommandLineErrors() {
        CommandException e = assertThrows(CommandException.class, () -> PingOptions.parse(List.of("-x", "198.18.0.1")));
        assertEquals(PingOptions.USAGE, e.usageHint());
        assertEquals("ping: invalid option -- 'x'" + System.lineSeparator() + PingOptions.USAGE, e.getMessage());
    }
}
