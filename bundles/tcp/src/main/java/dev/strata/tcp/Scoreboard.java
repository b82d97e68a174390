package dev.strata.tcp;

/**
 * The SACK scoreboard of RFC 6675 (section 3, "Keeping Track of SACK Information"): the
 * sequence ranges the peer reported holding above SND.UNA, from the SACK blocks of its ACKs
 * (RFC 2018 3), kept sorted, disjoint and not touching, in two plain int arrays of fixed size
 * (no allocation per ACK; plain data in the {@link Tcb} for the later live upgrade).
 *
 * <p>Between SND.UNA and SND.MAX the sequence space is then alternately holes (not SACKed) and
 * ranges (SACKed). Every octet of one hole has the same SACKed octets above it, so RFC 6675's
 * per-octet routines, IsLost() and SetPipe(), are evaluated per hole; NextSeg() is in
 * {@link LossRecovery}.
 *
 * <p>Bounded at {@link #MAX_RANGES}: when a block would make one more range, the highest range
 * is forgotten. Forgetting SACK information is always safe (the sender then believes fewer
 * octets arrived and may resend some); remembering too much never happens, since a range is
 * only ever what a block said.
 */
final class Scoreboard {

    /**
     * Ranges kept at most (Linux keeps one mark per queued segment; the peer sends at most 4
     * blocks per ACK, so 32 ranges describe as many holes in the flight).
     */
    static final int MAX_RANGES = 32;

    /** RFC 6675 2: DupThresh, "the number of duplicate ACKs required to trigger a retransmission" (3). */
    static final int DUP_THRESH = 3;

    /** Range i is [start[i], end[i]) in sequence numbers; sorted from SND.UNA up. */
    final int[] start = new int[MAX_RANGES];
    final int[] end = new int[MAX_RANGES];
    int count;
    /** Octets SACKed in all the ranges. */
    long sackedBytes;
    /** Set by {@link #add} when the block touched or overlapped an existing range (Linux TCPSackMerged). */
    int mergedByLastAdd;
    /** Set by {@link #add} when a range had to be forgotten for room. */
    boolean overflowedByLastAdd;

    void clear() {
        count = 0;
        sackedBytes = 0;
    }

    /** The end of the highest SACKed range (RFC 6675 1.b: "the highest octet covered by any received SACK", plus one). */
    int highestSacked() {
        return end[count - 1];
    }

    /**
     * SND.UNA moved to {@code una}: forgets the ranges it covers. Returns true when SND.UNA now
     * lies at the start of or inside a SACKed range: a receiver that still held those octets
     * would have acknowledged past them, so it has discarded data it SACKed (reneging, RFC
     * 2018 8; Linux tcp_check_sack_reneging). The caller then clears the scoreboard.
     */
    boolean acknowledge(int una) {
        int gone = 0;
        while (gone < count && Seq.le(end[gone], una)) {
            sackedBytes -= Seq.distance(start[gone], end[gone]);
            gone++;
        }
        if (gone > 0) {
            System.arraycopy(start, gone, start, 0, count - gone);
            System.arraycopy(end, gone, end, 0, count - gone);
            count -= gone;
        }
        return count > 0 && Seq.le(start[0], una);
    }

    /**
     * RFC 6675 Update(): marks [left, right) SACKed (the caller validated the block: SND.UNA =<
     * left < right =< SND.MAX). Returns the octets not SACKed before, so that an ACK whose
     * blocks add nothing is not a duplicate ACK in RFC 6675's sense (section 2).
     */
    long add(int left, int right) {
        mergedByLastAdd = 0;
        overflowedByLastAdd = false;
        long before = sackedBytes;
        int first = 0;
        while (first < count && Seq.lt(end[first], left)) {
            first++;
        }
        int last = first; // ranges [first, last) touch or overlap the block
        while (last < count && Seq.le(start[last], right)) {
            last++;
        }
        if (first == last) {
            if (count == MAX_RANGES) {
                overflowedByLastAdd = true;
                if (first == count) {
                    return 0; // the block is the highest: it is the one forgotten
                }
                count--; // forget the highest range
                sackedBytes -= Seq.distance(start[count], end[count]);
            }
            System.arraycopy(start, first, start, first + 1, count - first);
            System.arraycopy(end, first, end, first + 1, count - first);
            start[first] = left;
            end[first] = right;
            count++;
            sackedBytes += Seq.distance(left, right);
            return sackedBytes - before;
        }
        mergedByLastAdd = last - first;
        int mergedStart = Seq.min(left, start[first]);
        int mergedEnd = Seq.max(right, end[last - 1]);
        for (int i = first; i < last; i++) {
            sackedBytes -= Seq.distance(start[i], end[i]);
        }
        start[first] = mergedStart;
        end[first] = mergedEnd;
        sackedBytes += Seq.distance(mergedStart, mergedEnd);
        int removed = last - first - 1;
        if (removed > 0) {
            System.arraycopy(start, last, start, first + 1, count - last);
            System.arraycopy(end, last, end, first + 1, count - last);
            count -= removed;
        }
        return sackedBytes - before;
    }

    /**
     * RFC 6675 IsLost() for the octets of the hole just below range {@code i} (i = count: the
     * hole above every range, never lost): true when "DupThresh discontiguous SACKed sequences
     * have arrived above" it, or "more than (DupThresh - 1) * SMSS bytes with sequence numbers
     * greater than SeqNum have been SACKed". {@code sackedBelow} is the SACKed octets of the
     * ranges below range i.
     */
    boolean holeLost(int i, long sackedBelow, int smss) {
        return count - i >= DUP_THRESH || sackedBytes - sackedBelow > (long) (DUP_THRESH - 1) * smss;
    }

    /** RFC 6675 IsLost(SeqNum) for any octet: the hole it is in (false for a SACKed octet). */
    boolean isLost(int seq, int smss) {
        long below = 0;
        for (int i = 0; i < count; i++) {
            if (Seq.lt(seq, start[i])) {
                return holeLost(i, below, smss);
            }
            if (Seq.lt(seq, end[i])) {
                return false; // SACKed
            }
            below += Seq.distance(start[i], end[i]);
        }
        return false;
    }

    /**
     * RFC 6675 SetPipe(): over the octets from {@code una} to {@code max} not SACKed, one for
     * each not lost, plus one for each at or below HighRxt (the retransmissions still out);
     * {@code highRxt} is the end (exclusive) of the highest retransmission.
     */
    long pipe(int una, int max, int highRxt, int smss) {
        long pipe = 0;
        long below = 0;
        int holeStart = una;
        for (int i = 0; i <= count; i++) {
            int holeEnd = i < count ? start[i] : max;
            int length = Seq.distance(holeStart, holeEnd);
            if (length > 0) {
                if (!holeLost(i, below, smss)) {
                    pipe += length; // (a)
                }
                if (Seq.gt(highRxt, holeStart)) {
                    pipe += Seq.distance(holeStart, Seq.min(holeEnd, highRxt)); // (b)
                }
            }
            if (i < count) {
                below += Seq.distance(start[i], end[i]);
                holeStart = end[i];
            }
        }
        return pipe;
    }

    /** The end of the SACKed range {@code seq} is in, or {@code seq} when it is not SACKed. */
    int skipSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.lt(seq, start[i])) {
                return seq;
            }
            if (Seq.lt(seq, end[i])) {
                return end[i];
            }
        }
        return seq;
    }

    /** The start of the first SACKed range above {@code seq}, or {@code limit} when there is none below it. */
    int nextSacked(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(start[i], seq)) {
                return Seq.min(start[i], limit);
            }
        }
        return limit;
    }
}
