package dev.strata.link.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.link.LinkRequest;

/** The one-line messages a user sees when a TAP device cannot be opened; no privileges needed. */
class TapErrorMessagesTest {

    @Test
    void namesTheMissingCapabilityWhenOpenIsNotPermitted() {
        assertEquals("cannot open TAP device strata0: permission denied (needs CAP_NET_ADMIN)",
                TapOpener.openFailure("strata0", LibC.EPERM));
        assertEquals("cannot open TAP device strata0: permission denied (needs CAP_NET_ADMIN)",
                TapOpener.openFailure("strata0", LibC.EACCES));
    }

    @Test
    void namesTheMissingCapabilityWhenTunsetiffIsNotPermitted() {
        assertEquals("cannot open TAP device strata0: permission denied (needs CAP_NET_ADMIN)",
                TapOpener.attachFailure("strata0", LibC.EPERM));
    }

    @Test
    void pointsAtTheTunModuleWhenDevNetTunIsMissing() {
        assertEquals("cannot open TAP device strata0: /dev/net/tun not found (is the tun module loaded?)",
                TapOpener.openFailure("strata0", LibC.ENOENT));
    }

    @Test
    void explainsABusyDevice() {
        assertTrue(TapOpener.attachFailure("strata0", LibC.EBUSY).contains("device busy"));
    }

    @Test
    void keepsOtherErrorsOnOneLineWithTheirErrno() {
        String message = TapOpener.openFailure("strata0", 24);
        assertTrue(message.startsWith("cannot open TAP device strata0: "), message);
        assertTrue(message.contains("errno 24"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void refusesANamespaceNameThatIsAPath() {
        TapLinkProvider provider = new TapLinkProvider(new BufferPool());
        IOException e = assertThrows(IOException.class,
                () -> provider.open(new LinkRequest("strata0", 0, LinkRequest.ANY_MAC, "../../etc")));
        assertEquals("invalid network namespace name: ../../etc", e.getMessage());
    }

    @Test
    void ifreqHoldsTheNameAndTheUnionAtOffsetSixteen() {
        Ifreq ifreq = new Ifreq("strata0").flags((short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI));
        assertEquals(40, ifreq.bytes.length);
        assertEquals('s', ifreq.bytes[0]);
        assertEquals(0, ifreq.bytes[7], "NUL-terminated");
        assertEquals(0x1002, ifreq.flags());
        assertEquals(1400, new Ifreq("x").mtu(1400).mtu());
        assertThrows(IllegalArgumentException.class, () -> new Ifreq("sixteen-chars-xx"));
    }
}
