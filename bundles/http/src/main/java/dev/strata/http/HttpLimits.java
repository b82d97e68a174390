package dev.strata.http;

/**
 * Bounds on what a parser accepts from a peer. Each limit is inclusive: a value exactly at the limit
 * is accepted, one past it is refused with the status of its {@link ParseError}.
 *
 * @param maxStartLineLength bytes of the request-line or status-line without its line terminator
 *        (RFC 9112 3 recommends at least 8000)
 * @param maxHeaderSectionSize bytes of the field lines with their terminators and the empty line that
 *        ends the header section
 * @param maxHeaderCount number of header field lines
 * @param maxBodySize bytes of content (after removing the chunked coding)
 * @param maxTrailerSectionSize bytes of the trailer section, like the header section
 * @param maxTrailerCount number of trailer field lines
 * @param maxChunkExtensionSize bytes of chunk extensions on one chunk-size line
 */
public record HttpLimits(int maxStartLineLength, int maxHeaderSectionSize, int maxHeaderCount, long maxBodySize,
        int maxTrailerSectionSize, int maxTrailerCount, int maxChunkExtensionSize) {

    /** Defaults of a small server: 8 KiB request-line, 16 KiB headers, 100 fields, 10 MiB body. */
    public static final HttpLimits DEFAULT = new HttpLimits(8192, 16384, 100, 10L << 20, 4096, 20, 1024);

    public HttpLimits {
        if (maxStartLineLength < 16 || maxHeaderSectionSize < 2 || maxHeaderCount < 1 || maxBodySize < 0
                || maxTrailerSectionSize < 2 || maxTrailerCount < 0 || maxChunkExtensionSize < 0) {
            throw new IllegalArgumentException("limits out of range");
        }
    }

    /** A copy with another body limit (the client reads large downloads). */
    public HttpLimits withMaxBodySize(long size) {
        return new HttpLimits(maxStartLineLength, maxHeaderSectionSize, maxHeaderCount, size, maxTrailerSectionSize,
                maxTrailerCount, maxChunkExtensionSize);
    }
}
