package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static files of www/: types, validators, conditional and range requests, directories, traversal. */
class StaticFilesTest {

    /** 1994-11-06T08:49:37Z, RFC 9110's example date. */
    private static final long MODIFIED = 784111777_000L;
    private static final String MODIFIED_DATE = "Sun, 06 Nov 1994 08:49:37 GMT";

    @TempDir
    Path tmp;
    private Path www;
    private StaticFiles files;
    private byte[] data;

    @BeforeEach
    void setUp() throws IOException {
        www = Files.createDirectory(tmp.resolve("www"));
        data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        write("data.bin", data);
        write("page.html", "<p>hi</p>".getBytes(StandardCharsets.UTF_8));
        write("sub/index.html", "<p>index</p>".getBytes(StandardCharsets.UTF_8));
        write("plain/b c.txt", "b".getBytes(StandardCharsets.UTF_8));
        write("plain/<x>.txt", "x".getBytes(StandardCharsets.UTF_8));
        Files.writeString(tmp.resolve("secret.txt"), "outside www");
        files = new StaticFiles(www, true);
    }

    private void write(String name, byte[] content) throws IOException {
        Path p = www.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.fromMillis(MODIFIED));
    }

    private Exchange get(String target, String... headers) {
        return Exchange.run(files, "GET", target, headers);
    }

    @Test
    void servesAFileWithItsTypeValidatorsAndLength() {
        Exchange e = get("/data.bin");
        assertEquals(200, e.status());
        assertEquals("application/octet-stream", e.header("Content-Type"));
        assertEquals(MODIFIED_DATE, e.header("Last-Modified"));
        assertEquals("bytes", e.header("Accept-Ranges"));
        assertTrue(e.header("ETag").matches("\"64-[0-9a-f]+\""), e.header("ETag"));
        assertEquals(100, e.response.sourceLength);
        assertArrayEquals(data, e.bytes());
        assertEquals("text/html; charset=utf-8", get("/page.html").header("Content-Type"));
        assertEquals("<p>hi</p>", get("/page.html?v=2").body());
    }

    @Test
    void headGetsTheLengthGetWouldSendAndIgnoresRange() {
        Exchange e = Exchange.run(files, "HEAD", "/data.bin", "Range", "bytes=0-9");
        assertEquals(200, e.status());
        assertEquals(100, e.response.sourceLength);
        assertNull(e.header("Content-Range"));
    }

    @Test
    void servesOneByteRangeAs206AndUnsatisfiableAs416() {
        Exchange e = get("/data.bin", "Range", "bytes=10-19");
        assertEquals(206, e.status());
        assertEquals("bytes 10-19/100", e.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(data, 10, 20), e.bytes());
        Exchange suffix = get("/data.bin", "Range", "bytes=-5");
        assertEquals("bytes 95-99/100", suffix.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(data, 95, 100), suffix.bytes());
        Exchange open = get("/data.bin", "Range", "bytes=90-");
        assertEquals("bytes 90-99/100", open.header("Content-Range"));
        assertEquals(10, open.bytes().length);
        assertEquals("bytes 98-99/100", get("/data.bin", "Range", "bytes=98-5000").header("Content-Range"));
        Exchange beyond = get("/data.bin", "Range", "bytes=100-200");
        assertEquals(416, beyond.status());
        assertEquals("bytes */100", beyond.header("Content-Range"));
        assertEquals(0, beyond.bytes().length);
    }

    @Test
    void ignoresRangesItDoesNotServeAndSendsTheWholeFile() {
        for (String range : List.of("bytes=0-1,5-6", "bytes=5-2", "items=0-1", "bytes=x-1", "bytes=", "bytes=1")) {
            Exchange e = get("/data.bin", "Range", range);
            assertEquals(200, e.status(), range);
            assertArrayEquals(data, e.bytes(), range);
        }
    }

    @Test
    void answersConditionalRequestsInTheOrderOfRfc9110() {
        String etag = get("/data.bin").header("ETag");
        Exchange notModified = get("/data.bin", "If-None-Match", etag);
        assertEquals(304, notModified.status());
        assertEquals(etag, notModified.header("ETag"), "a 304 carries the validators");
        assertEquals(0, notModified.bytes().length);
        assertEquals(304, get("/data.bin", "If-None-Match", "\"other\", W/" + etag).status(), "weak comparison");
        assertEquals(304, get("/data.bin", "If-None-Match", "*").status());
        assertEquals(200, get("/data.bin", "If-None-Match", "\"other\"").status());
        assertEquals(304, get("/data.bin", "If-Modified-Since", MODIFIED_DATE).status());
        assertEquals(304, get("/data.bin", "If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT").status());
        assertEquals(304, get("/data.bin", "If-Modified-Since", "Sun Nov  6 08:49:37 1994").status());
        assertEquals(200, get("/data.bin", "If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT").status());
        assertEquals(200, get("/data.bin", "If-Modified-Since", "yesterday").status(), "an invalid date is ignored");
        assertEquals(200, get("/data.bin", "If-None-Match", "\"other\"", "If-Modified-Since", MODIFIED_DATE).status(),
                "If-None-Match present: If-Modified-Since is not evaluated");
        assertEquals(412, get("/data.bin", "If-Match", "\"other\"").status());
        assertEquals(412, get("/data.bin", "If-Match", "W/" + etag).status(), "strong comparison");
        assertEquals(200, get("/data.bin", "If-Match", etag).status());
        assertEquals(412, get("/data.bin", "If-Unmodified-Since", "Sat, 05 Nov 1994 08:49:37 GMT").status());
        assertEquals(200, get("/data.bin", "If-Unmodified-Since", MODIFIED_DATE).status());
    }

    @Test
    void ifRangeServesTheRangeOnlyWhileTheFileIsTheSame() {
        String etag = get("/data.bin").header("ETag");
        assertEquals(206, get("/data.bin", "Range", "bytes=0-0", "If-Range", etag).status());
        assertEquals(206, get("/data.bin", "Range", "bytes=0-0", "If-Range", MODIFIED_DATE).status());
        assertEquals(200, get("/data.bin", "Range", "bytes=0-0", "If-Range", "\"stale\"").status());
        assertEquals(200, get("/data.bin", "Range", "bytes=0-0", "If-Range", "W/" + etag).status());
        assertEquals(200, get("/data.bin", "Range", "bytes=0-0", "If-Range", "Sat, 05 Nov 1994 08:49:37 GMT").status());
    }

    @Test
    void neverServesAFileOutsideItsDirectory() throws IOException {
        Files.createSymbolicLink(www.resolve("link.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("inside.bin"), www.resolve("data.bin"));
        for (String target : List.of("/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                "/sub/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt", "/data.bin%00.txt", "/link.txt", "/%zz",
                "/%c0%ae%c0%ae/secret.txt", "/nothing-here")) {
            Exchange e = get(target);
            assertEquals(404, e.status(), target);
            assertFalse(e.body().contains("outside www"), target);
        }
        assertEquals(200, get("/inside.bin").status(), "a link that stays inside is followed");
        assertEquals(404, get("/sub/../data.bin").status(), "'..' is refused even when it would stay inside");
    }

    @Test
    void aDirectoryIsItsIndexOrAListingAndGetsItsTrailingSlash() throws IOException {
        Exchange redirect = get("/sub?x=1");
        assertEquals(301, redirect.status());
        assertEquals("/sub/?x=1", redirect.header("Location"));
        assertEquals("<p>index</p>", get("/sub/").body());
        Exchange listing = get("/plain/");
        assertEquals(200, listing.status());
        assertEquals("text/html; charset=utf-8", listing.header("Content-Type"));
        assertTrue(listing.body().contains("<a href=\"b%20c.txt\">b c.txt</a>"), listing.body());
        assertTrue(listing.body().contains("<a href=\"%3Cx%3E.txt\">&lt;x&gt;.txt</a>"), listing.body());
        assertEquals("b", get("/plain/b%20c.txt").body());
        assertEquals(404, Exchange.run(new StaticFiles(www, false), "GET", "/plain/").status());
    }

    @Test
    void answersOtherMethodsWith405() {
        Exchange post = Exchange.run(files, "POST", "/data.bin");
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.header("Allow"));
    }

    @Test
    void aMissingDirectoryServesNothingUntilItExists() throws IOException {
        StaticFiles later = new StaticFiles(tmp.resolve("later"), true);
        assertEquals(404, Exchange.run(later, "GET", "/a.txt").status());
        Files.createDirectory(tmp.resolve("later"));
        Files.writeString(tmp.resolve("later/a.txt"), "a");
        assertEquals("a", Exchange.run(later, "GET", "/a.txt").body());
    }

    @Test
    void parsesTheThreeHttpDateForms() {
        assertEquals(MODIFIED, HttpDate.parse(MODIFIED_DATE));
        assertEquals(MODIFIED, HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(MODIFIED, HttpDate.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(HttpDate.INVALID, HttpDate.parse("Sun, 06 Nov 1994 08:49:37 CET"));
        assertEquals(HttpDate.INVALID, HttpDate.parse(null));
        assertEquals(MODIFIED_DATE, HttpDate.format(MODIFIED));
    }

    @Test
    void aFileServedWithinASecondIsServedAgainWithoutLookingAndAChangeIsSeenAfterIt() throws IOException {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        StaticFiles cached = new StaticFiles(www, true, now::get);
        assertEquals("<p>hi</p>", Exchange.run(cached, "GET", "/page.html").body());
        String etag = Exchange.run(cached, "GET", "/page.html").header("ETag");
        Files.writeString(www.resolve("page.html"), "<p>changed</p>");
        Files.setLastModifiedTime(www.resolve("page.html"), FileTime.fromMillis(MODIFIED + 5000));
        assertEquals(etag, Exchange.run(cached, "GET", "/page.html").header("ETag"), "trusted for a second");
        now.addAndGet(OpenFiles.VALID_NANOS + 1);
        Exchange fresh = Exchange.run(cached, "GET", "/page.html");
        assertEquals("<p>changed</p>", fresh.body());
        assertFalse(etag.equals(fresh.header("ETag")));
        Files.delete(www.resolve("page.html"));
        now.addAndGet(OpenFiles.VALID_NANOS + 1);
        assertEquals(404, Exchange.run(cached, "GET", "/page.html").status());
        assertEquals(0, cached.openFiles(), "a removed file leaves the cache");
    }

    @Test
    void aFileLeavingTheCacheStaysOpenForTheResponsesStillReadingIt() throws IOException {
        OpenFiles open = new OpenFiles(1, () -> 0L);
        Path a = www.resolve("data.bin");
        OpenFiles.OpenFile first = open.open("/a", a, Files.readAttributes(a, java.nio.file.attribute.BasicFileAttributes.class), "x");
        java.nio.channels.ReadableByteChannel reading = first.reader(50);
        java.nio.channels.ReadableByteChannel unread = first.reader(0);
        unread.close();
        open.open("/b", a, Files.readAttributes(a, java.nio.file.attribute.BasicFileAttributes.class), "x");
        assertEquals(1, open.size(), "the eldest left");
        assertTrue(first.isOpen(), "a response still reads it");
        java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(100);
        assertEquals(50, reading.read(dst));
        assertEquals(50, dst.get(0));
        reading.close();
        assertFalse(first.isOpen(), "closed by its last reader");
        open.clear();
        assertEquals(0, open.size());
    }
}
