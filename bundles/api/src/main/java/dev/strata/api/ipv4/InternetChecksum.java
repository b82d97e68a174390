package dev.strata.api.ipv4;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum.
 * Sums 32-bit words into a long and folds once at the end (RFC 1071 section 2(B): deferred
 * carries), which is several times faster than a 16-bit loop.
 */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    /**
     * The checksum of {@code length} bytes at {@code index}, starting from the partial sum
     * {@code initial} (a pseudo-header's, or 0). Returns the value to store in the header;
     * over data that includes a correct checksum it returns 0.
     */
    public static int compute(PacketBuffer buffer, int index, int length, long initial) {
        return finish(sum(buffer, index, length, initial));
    }

    /** The unfolded one's complement sum of {@code length} bytes at {@code index}, added to {@code sum}. */
    public static long sum(PacketBuffer buffer, int index, int length, long sum) {
        int i = index;
        int end = index + length;
        while (end - i >= 4) {
            sum += buffer.getU32(i);
            i += 4;
        }
        if (end - i >= 2) {
            sum += buffer.getU16(i);
            i += 2;
        }
        if (i < end) {
            sum += buffer.getU8(i) << 8;
        }
        return sum;
    }

    /** The partial sum of the TCP/UDP pseudo-header (RFC 768, RFC 9293 3.1). */
    public static long pseudoHeader(int source, int destination, int protocol, int length) {
        return (source & 0xffff_ffffL) + (destination & 0xffff_ffffL) + protocol + length;
    }

    /** Folds a sum to 16 bits and complements it. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    /**
     * Updates a checksum after one 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord} (RFC 1624 equation 3), without summing the rest.
     */
    public static int adjust(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        int adjusted = finish(sum);
        // 0x0000 and 0xffff are both zero in one's complement, but only 0xffff verifies when
        // the rest of the data sums to +0 (all zero words: an echo with id 0, seq 0, no data);
        // 0xffff verifies in every case, so never return 0x0000.
        return adjusted == 0 ? 0xffff : adjusted;
    }
}
