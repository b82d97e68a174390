package dev.strata.tcp;

/**
 * Zero-window probing (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): when the peer's window is zero,
 * data waits and nothing is in flight (so no retransmission timer runs), the persist timer
 * sends a probe of one octet of new data, first after one RTO and then with exponential
 * backoff (bounded by the maximum RTO), for as long as the peer keeps answering with a zero
 * window: "the connection MUST NOT be closed" while the peer acknowledges the probes. The
 * probe is the next octet of the stream; when the window opens, its ACK (or the RTO, if it
 * was not accepted) takes it on. A peer that stops answering altogether is given up after
 * tcp_retries2 probes (ETIMEDOUT, as Linux). Runs under the connection's monitor.
 */
final class PersistTimer {

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    PersistTimer(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    /** The window is shut with data waiting: arm the timer unless it runs (no RTO meanwhile: nothing is in flight). */
    void start(long now) {
        if (tcb.persistDeadline != 0) {
            return;
        }
        tcb.retransmitDeadline = 0;
        tcb.persistProbes = 0;
        tcb.persistUnanswered = 0;
        tcb.persistDeadline = now + interval();
    }

    /** RTO * 2^probes, at most the maximum RTO (as Linux's tcp_probe_timer). */
    private long interval() {
        long rto = tcb.rtt.rtoNanos;
        int shift = Math.min(tcb.persistProbes, 30);
        long max = stack.config.maxRtoNanos();
        return rto > (max >> shift) ? max : rto << shift;
    }

    /** The timer fired: probe with the octet at SND.UNA and back off. */
    void expired(long now) {
        tcb.persistDeadline = 0;
        if (tcb.sndWnd != 0 || tcb.sendBuffer.length == 0 || !c.sender.maySendData()) {
            return;
        }
        if (tcb.persistUnanswered >= stack.config.retries()) {
            // the peer no longer answers at all (RFC 1122 4.2.2.17 protects only an answering
            // peer): give up as Linux's tcp_probe_timer does after tcp_retries2 probes
            c.sender.reset(tcb.sndMax, 0, false);
            if (tcb.state.countsAsEstablished()) {
                stack.counters.increment(TcpStatistic.ESTAB_RESETS);
            }
            c.terminate(c.timeoutError());
            return;
        }
        c.sender.probe();
        tcb.persistProbes++;
        tcb.persistUnanswered++;
        tcb.persistDeadline = now + interval();
    }

    /** A non-zero window arrived (with SEG.ACK = {@code ack}): stop probing. */
    void windowOpened(int ack) {
        if (tcb.persistDeadline == 0 && tcb.persistProbes == 0) {
            return;
        }
        tcb.persistDeadline = 0;
        tcb.persistProbes = 0;
        // a probe octet the peer did not take is in flight now: the RTO covers it
        if (Seq.lt(ack, tcb.sndMax)) {
            c.retransmitTimer.arm(stack.scheduler.nanoTime());
        }
    }
}
