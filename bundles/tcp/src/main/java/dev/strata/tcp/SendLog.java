package dev.strata.tcp;

/**
 * The send records RACK needs (RFC 8985 5.2, "per-segment variables"): for every segment in
 * flight its sequence range, its last transmission time and whether it was retransmitted,
 * SACKed or marked lost. Plain arrays in sequence order, like {@link Scoreboard}, so that the
 * state stays exportable with the {@link Tcb}; records [head, tail) are live.
 *
 * <p>No allocation per segment: the arrays start at {@link #INITIAL} records and double (up to
 * {@link #MAX_RECORDS}) when a flight outgrows them, and SND.UNA moving on only advances
 * {@code head} (the live records are moved down when the arrays' end is reached). Beyond
 * {@link #MAX_RECORDS} new data extends the last record instead: a coarser record only makes
 * RACK believe its first octets were sent later, which is the safe direction (less loss marked).
 */
final class SendLog {

    static final int INITIAL = 64;
    /** Records at most (8192 segments in flight: 11 MB at an MSS of 1460). */
    static final int MAX_RECORDS = 8192;

    static final byte RETRANSMITTED = 1;
    static final byte SACKED = 2;
    static final byte LOST = 4;

    int[] seq = new int[0];
    int[] end = new int[0];
    long[] xmit = new long[0];
    byte[] flags = new byte[0];
    int head;
    int tail;

    int size() {
        return tail - head;
    }

    void clear() {
        head = 0;
        tail = 0;
    }

    /** New data [from, to) sent at {@code now} (from is the previous SND.MAX). */
    void sent(int from, int to, long now) {
        if (tail > head && Seq.lt(from, end[tail - 1])) {
            from = end[tail - 1]; // only what extends SND.MAX is new
        }
        if (!Seq.lt(from, to)) {
            return;
        }
        if (tail == seq.length && !room()) {
            end[tail - 1] = to; // full: the last record grows (see the class comment)
            xmit[tail - 1] = now;
            return;
        }
        seq[tail] = from;
        end[tail] = to;
        xmit[tail] = now;
        flags[tail] = 0;
        tail++;
    }

    /** Makes room for one record at the end; false when {@link #MAX_RECORDS} are live. */
    private boolean room() {
        int n = size();
        if (head > 0 && n < seq.length / 2 + 1) {
            compact();
            return true;
        }
        if (seq.length >= MAX_RECORDS) {
            if (head > 0) {
                compact();
                return true;
            }
            return false;
        }
        int capacity = Math.max(INITIAL, seq.length * 2);
        seq = java.util.Arrays.copyOfRange(seq, head, head + capacity);
        end = java.util.Arrays.copyOfRange(end, head, head + capacity);
        xmit = java.util.Arrays.copyOfRange(xmit, head, head + capacity);
        flags = java.util.Arrays.copyOfRange(flags, head, head + capacity);
        tail = n;
        head = 0;
        return true;
    }

    private void compact() {
        int n = size();
        System.arraycopy(seq, head, seq, 0, n);
        System.arraycopy(end, head, end, 0, n);
        System.arraycopy(xmit, head, xmit, 0, n);
        System.arraycopy(flags, head, flags, 0, n);
        head = 0;
        tail = n;
    }

    /** The index of the record holding {@code s}, or -1. */
    int find(int s) {
        int lo = head;
        int hi = tail - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Seq.lt(s, seq[mid])) {
                hi = mid - 1;
            } else if (!Seq.lt(s, end[mid])) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Splits the record holding {@code s} so that one starts at {@code s} (no-op at a boundary). */
    void splitAt(int s) {
        int i = find(s);
        if (i < 0 || seq[i] == s) {
            return;
        }
        if (tail == seq.length && !room()) {
            return; // no room: the record stays whole (coarser, still safe)
        }
        i = find(s);
        System.arraycopy(seq, i + 1, seq, i + 2, tail - i - 1);
        System.arraycopy(end, i + 1, end, i + 2, tail - i - 1);
        System.arraycopy(xmit, i + 1, xmit, i + 2, tail - i - 1);
        System.arraycopy(flags, i + 1, flags, i + 2, tail - i - 1);
        tail++;
        end[i + 1] = end[i];
        seq[i + 1] = s;
        xmit[i + 1] = xmit[i];
        flags[i + 1] = flags[i];
        end[i] = s;
    }

    /** [from, to) of already sent data went again at {@code now}: its records are retransmitted, no longer lost. */
    void retransmitted(int from, int to, long now) {
        if (!Seq.lt(from, to) || size() == 0) {
            return;
        }
        splitAt(from);
        splitAt(to);
        int i = find(from);
        if (i < 0) {
            i = head;
        }
        for (; i < tail && Seq.lt(seq[i], to); i++) {
            if (Seq.le(end[i], from)) {
                continue;
            }
            xmit[i] = now;
            flags[i] = (byte) ((flags[i] | RETRANSMITTED) & ~LOST);
        }
    }
}
