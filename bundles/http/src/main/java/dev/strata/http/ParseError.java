package dev.strata.http;

/**
 * Why an HTTP message could not be parsed, with the status code a server answers and whether the
 * connection must be closed afterwards.
 *
 * <p>Every parse error closes the connection: once the framing of one message is in doubt, the
 * start of the next one cannot be found (RFC 9112 9.6, RFC 9112 11.2 on request smuggling).
 */
public enum ParseError {
    /** RFC 9112 3: request-line is not method SP request-target SP HTTP-version. */
    MALFORMED_REQUEST_LINE(400),
    /** RFC 9112 3.1, RFC 9110 9.1: the method is not a token. */
    INVALID_METHOD(400),
    /** RFC 9112 3.2: the request-target has a forbidden byte or does not fit its form. */
    INVALID_TARGET(400),
    /** RFC 9112 2.3: HTTP-version is not "HTTP/" DIGIT "." DIGIT. */
    MALFORMED_VERSION(400),
    /** RFC 9110 15.6.6: a major version other than 1. */
    UNSUPPORTED_VERSION(505),
    /** RFC 9112 3: the request-line is longer than the limit. */
    REQUEST_LINE_TOO_LONG(414),
    /** RFC 9112 4: status-line is not HTTP-version SP 3DIGIT SP reason-phrase. */
    MALFORMED_STATUS_LINE(400),
    /** The status-line (a response) is longer than the limit. */
    STATUS_LINE_TOO_LONG(400),
    /** RFC 9112 2.2: too many empty lines before the start-line. */
    TOO_MANY_EMPTY_LINES(400),
    /** RFC 9112 2.2: a CR not followed by LF. */
    BARE_CR(400),
    /** RFC 9112 5.1: a field line without a colon, or an empty field name, or one that is not a token. */
    INVALID_FIELD_NAME(400),
    /** RFC 9112 5.1: whitespace between the field name and the colon. */
    WHITESPACE_BEFORE_COLON(400),
    /** RFC 9112 5.2: obs-fold (a line starting with SP or HTAB), and RFC 9112 2.2 whitespace after the start-line. */
    OBSOLETE_LINE_FOLDING(400),
    /** RFC 9110 5.5: a control character in a field value. */
    INVALID_FIELD_VALUE(400),
    /** RFC 6585 5: the header section is larger than the limit. */
    HEADER_SECTION_TOO_LARGE(431),
    /** RFC 6585 5: more header fields than the limit. */
    TOO_MANY_HEADERS(431),
    /** RFC 9112 7.1.2: the trailer section is larger than the limit, or has too many fields. */
    TRAILER_SECTION_TOO_LARGE(431),
    /** RFC 9112 3.2: an HTTP/1.1 request without Host. */
    MISSING_HOST(400),
    /** RFC 9112 3.2: more than one Host field line. */
    DUPLICATE_HOST(400),
    /** RFC 9112 3.2, RFC 9110 7.2: a Host value that is not uri-host [ ":" port ]. */
    INVALID_HOST(400),
    /** RFC 9110 8.6, RFC 9112 6.3 (5): Content-Length is not 1*DIGIT. */
    INVALID_CONTENT_LENGTH(400),
    /** RFC 9112 6.3 (5): several Content-Length values that differ. */
    CONFLICTING_CONTENT_LENGTH(400),
    /** RFC 9112 6.3 (3): both Transfer-Encoding and Content-Length (request smuggling). */
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400),
    /** RFC 9112 6.3 (4): a request whose final transfer coding is not chunked, or chunked twice. */
    CHUNKED_NOT_FINAL(400),
    /** RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message, framing treated as faulty. */
    TRANSFER_ENCODING_IN_HTTP_1_0(400),
    /** RFC 9112 6.1: a transfer coding the server does not implement. */
    UNKNOWN_TRANSFER_CODING(501),
    /** RFC 9112 7.1: chunk-size is not 1*HEXDIG, or larger than a long. */
    INVALID_CHUNK_SIZE(400),
    /** RFC 9112 7.1.1: a chunk extension with a forbidden byte, or longer than the limit. */
    INVALID_CHUNK_EXTENSION(400),
    /** RFC 9112 7.1: chunk-data not followed by CRLF, or chunk-size line not ended by CRLF. */
    INVALID_CHUNK_FRAMING(400),
    /** The content is larger than the limit (RFC 9110 15.5.14). */
    BODY_TOO_LARGE(413),
    /** The connection closed before the message was complete (RFC 9112 8). */
    INCOMPLETE_MESSAGE(400);

    private final int status;

    ParseError(int status) {
        this.status = status;
    }

    /** The status code a server answers with (RFC 9110 15). */
    public int status() {
        return status;
    }

    /** Whether the connection must be closed after answering: always, the framing is lost. */
    public boolean closesConnection() {
        return true;
    }
}
