package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

/** Regression (found by the simulation harness, fixed in 17d300e): data queued when CLOSE-WAIT closes is sent from LAST-ACK, then the FIN. */
class SimLastAckStallTest {

    @Test
    void lastAckSendsDataQueuedBeforeClose() throws Exception {
        SimLink link = new SimLink(0, SimLink.Impairment.NONE);
        link.trace = Boolean.getBoolean("sim.trace");
        SimApps.Acceptor acceptor = new SimApps.Acceptor();
        link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 16, StreamOptions.DEFAULTS);
        SimApps.Endpoint ep = new SimApps.Endpoint();
        StreamConnection client = link.b.stack.connect(ep, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80, StreamOptions.DEFAULTS);
        link.advanceMillis(20);
        StreamConnection server = acceptor.accepted.get(0);
        client.shutdownOutput();
        link.advanceMillis(20);
        assertEquals("CLOSE_WAIT", server.state());
        int written = server.write(ByteBuffer.allocate(16384));
        assertEquals(16384, written);
        server.close(); // LAST-ACK with part of the 16 KB beyond the initial window, still queued
        ByteBuffer into = ByteBuffer.allocate(65536);
        long read = 0;
        boolean eof = false;
        for (int ms = 0; ms < 600_000 && !eof; ms++) {
            into.clear();
            int n = client.read(into);
            if (n < 0) {
                eof = true;
            } else {
                read += n;
            }
            link.advanceMillis(1);
        }
        assertEquals(16384, read, "bytes the client read; server " + server.state() + ", client " + client.state());
        assertTrue(eof);
    }

    @Test
    void closingSendsDataQueuedBeforeClose() throws Exception {
        SimLink link = new SimLink(0, SimLink.Impairment.NONE);
        link.trace = Boolean.getBoolean("sim.trace");
        SimApps.Acceptor acceptor = new SimApps.Acceptor();
        link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 16, StreamOptions.DEFAULTS);
        SimApps.Endpoint ep = new SimApps.Endpoint();
        StreamConnection client = link.b.stack.connect(ep, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80, StreamOptions.DEFAULTS);
        link.advanceMillis(20);
        StreamConnection server = acceptor.accepted.get(0);
        assertEquals(16384, server.write(ByteBuffer.allocate(16384)));
        server.close(); // FIN-WAIT-1 with 1904 bytes and the FIN queued behind the initial window
        client.close(); // its FIN arrives while the server's data is still queued: the server goes to CLOSING
        ByteBuffer into = ByteBuffer.allocate(65536);
        long read = 0;
        for (int ms = 0; ms < 600_000; ms++) {
            into.clear();
            try {
                int n = client.read(into);
                read += Math.max(n, 0);
            } catch (Exception e) {
                break;
            }
            link.advanceMillis(1);
        }
        assertEquals("CLOSED", server.state(), "server; client " + client.state() + ", bytes read " + read);
    }
}
