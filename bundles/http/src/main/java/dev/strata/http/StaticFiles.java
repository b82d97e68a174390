package dev.strata.http;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.HttpRequest;
import dev.strata.api.http.HttpResponse;

/**
 * The static files of the distribution's {@code www/} directory, served under {@code /} (every
 * path no other handler takes; the status page keeps {@code /} itself):
 * <ul>
 * <li>the target's path is percent-decoded and resolved inside the directory only: a {@code ..}
 * segment, an encoded NUL or slash, or a symbolic link leading outside is 404, never a file
 * outside {@code www/};
 * <li>validators: a strong ETag of size and modification time, and Last-Modified (RFC 9110 8.8);
 * conditional requests in RFC 9110 13.2.2's order: If-Match and If-Unmodified-Since (412),
 * If-None-Match and If-Modified-Since (304);
 * <li>one byte range (RFC 9110 14): 206 with Content-Range, 416 when unsatisfiable, If-Range;
 * several ranges get the whole file (200), which RFC 9110 14.2 allows;
 * <li>files served within the last second are served again without looking them up ({@link OpenFiles});
 * <li>bodies are streamed from the file ({@link HttpResponse#body(java.nio.channels.ReadableByteChannel, long)}):
 * a file of any size costs one buffer;
 * <li>a directory is its {@code index.html}, else a listing; without a trailing slash it is
 * redirected (301) to the path with one, so that relative links work.
 * </ul>
 * Configuration PID {@value #PID}: {@code directory} (relative to the distribution's home).
 */
@Designate(ocd = StaticFiles.Config.class)
@Component(service = HttpHandler.class, configurationPid = StaticFiles.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = HttpHandler.PATH + "=/")
public final class StaticFiles implements HttpHandler {

    public static final String PID = "dev.strata.http.files";
    static final String INDEX = "index.html";
    static final String TEXT = "text/plain; charset=utf-8";

    private static final Logger LOG = System.getLogger(StaticFiles.class.getName());

    /** Where the files are. */
    @ObjectClassDefinition(name = "Strata HTTP static files", description = "Files served under /")
    public @interface Config {
        @AttributeDefinition(description = "Directory served, relative to the distribution's home (strata.home)")
        String directory() default "www";

        @AttributeDefinition(description = "List a directory that has no index.html")
        boolean listDirectories() default true;
    }

    /** Most files kept open (each one file descriptor). */
    static final int OPEN_FILES = 256;

    private final Path root;
    private final boolean listDirectories;
    private final OpenFiles open;

    @Activate
    public StaticFiles(BundleContext context, Config config) {
        this(resolve(context.getProperty("strata.home"), config.directory()), config.listDirectories());
    }

    /** Serves {@code root}, for tests and embedding. */
    StaticFiles(Path root, boolean listDirectories) {
        this(root, listDirectories, System::nanoTime);
    }

    /** As {@link #StaticFiles(Path, boolean)}, with the clock that ages the open files. */
    StaticFiles(Path root, boolean listDirectories, java.util.function.LongSupplier nanoClock) {
        this.root = root.toAbsolutePath().normalize();
        this.listDirectories = listDirectories;
        this.open = new OpenFiles(OPEN_FILES, nanoClock);
        if (!Files.isDirectory(this.root)) {
            LOG.log(Level.INFO, "HTTP static files: " + this.root + " is not a directory; nothing to serve until it is");
        }
    }

    private static Path resolve(String home, String directory) {
        Path dir = Path.of(directory);
        return dir.isAbsolute() || home == null ? dir : Path.of(home).resolve(dir);
    }

    Path root() {
        return root;
    }

    @Deactivate
    void deactivate() {
        open.clear();
    }

    int openFiles() {
        return open.size();
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        String method = request.method();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            // RFC 9110 15.5.6: 405 names the methods allowed
            response.status(405).header("Allow", "GET, HEAD");
            response.body("Method Not Allowed\n", TEXT);
            return;
        }
        OpenFiles.OpenFile cached = open.get(request.path());
        if (cached != null) {
            serveFile(request, response, cached, head);
            return;
        }
        Path file = locate(request.path());
        if (file == null) {
            notFound(response);
            return;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            notFound(response);
            return;
        }
        if (attributes.isDirectory()) {
            if (!request.path().endsWith("/")) {
                // RFC 9110 15.4.2: the directory's URL has a trailing slash, so relative links resolve in it
                String query = request.query();
                response.status(301).header("Location", request.path() + "/" + (query == null ? "" : "?" + query));
                response.body("Moved Permanently\n", TEXT);
                return;
            }
            Path index = file.resolve(INDEX);
            if (Files.isRegularFile(index) && inside(index)) {
                file = index;
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } else if (listDirectories) {
                response.body(listing(request.path(), file), "text/html; charset=utf-8");
                return;
            } else {
                notFound(response);
                return;
            }
        }
        if (!attributes.isRegularFile() || !Files.isReadable(file)) {
            notFound(response);
            return;
        }
        serveFile(request, response,
                open.open(request.path(), file, attributes, MediaTypes.of(file.getFileName().toString())), head);
    }

    private void serveFile(HttpRequest request, HttpResponse response, OpenFiles.OpenFile file, boolean head) {
        long size = file.size;
        long modified = file.modifiedMillis;
        String etag = file.etag;
        response.header("ETag", etag);
        response.header("Last-Modified", file.lastModified);
        response.header("Accept-Ranges", "bytes");
        int precondition = Validators.evaluate(request, etag, modified);
        if (precondition != 0) {
            // RFC 9110 15.4.5: a 304 carries the validators, no body; 412 has nothing to add
            response.status(precondition);
            return;
        }
        response.header("Content-Type", file.contentType);
        long first = 0;
        long length = size;
        String range = request.header("Range");
        // RFC 9110 14.2: Range is for GET only
        if (range != null && !head && Validators.ifRangeHolds(request.header("If-Range"), etag, modified)) {
            long[] r = Ranges.single(range, size);
            if (r == Ranges.UNSATISFIABLE) {
                // RFC 9110 15.5.17: 416 with the current length
                response.status(416).header("Content-Range", "bytes */" + size);
                return;
            }
            if (r != null) {
                first = r[0];
                length = r[1] - r[0] + 1;
                response.status(206).header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
            }
        }
        // to HEAD the server sends the length GET would (RFC 9110 9.3.2) and closes the reader unread
        response.body(file.reader(first), length);
    }

    private static void notFound(HttpResponse response) {
        response.status(404).body("404 Not Found\n", TEXT);
    }

    /**
     * The file {@code path} names inside the root, or null: percent-decoded (RFC 3986 2.1), each
     * segment checked (no {@code ..}, no NUL, no encoded '/'), and the real path (symbolic links
     * followed) still inside the root.
     */
    Path locate(String path) {
        List<String> segments = UrlPaths.segments(path);
        if (segments == null) {
            return null;
        }
        Path p = root;
        for (String segment : segments) {
            p = p.resolve(segment);
        }
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && inside(p) ? p : null;
    }

    private boolean inside(Path p) {
        try {
            return p.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private String listing(String urlPath, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(e -> names.add(e.getFileName().toString() + (Files.isDirectory(e) ? "/" : "")));
        }
        names.sort(null);
        StringBuilder title = new StringBuilder("Index of ");
        StatusRenderer.escapeHtml(title, UrlPaths.decode(urlPath));
        StringBuilder html = new StringBuilder(256 + names.size() * 64)
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body>\n<h1>").append(title).append("</h1>\n<ul>\n");
        if (!"/".equals(urlPath)) {
            html.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (String name : names) {
            String href = UrlPaths.encodeSegment(name.endsWith("/") ? name.substring(0, name.length() - 1) : name)
                    + (name.endsWith("/") ? "/" : "");
            html.append("<li><a href=\"").append(href).append("\">");
            StatusRenderer.escapeHtml(html, name);
            html.append("</a></li>\n");
        }
        return html.append("</ul>\n</body>\n</html>\n").toString();
    }

    /** Media types by file extension (RFC 6838 registrations); text is UTF-8. */
    static final class MediaTypes {
        private static final Map<String, String> TYPES = Map.ofEntries(
                Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
                Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
                Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
                Map.entry("txt", TEXT), Map.entry("md", "text/markdown; charset=utf-8"),
                Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("xml", "application/xml"),
                Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
                Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
                Map.entry("ico", "image/vnd.microsoft.icon"), Map.entry("pdf", "application/pdf"),
                Map.entry("wasm", "application/wasm"), Map.entry("zip", "application/zip"),
                Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
                Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
                Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
                Map.entry("pcap", "application/vnd.tcpdump.pcap"));

        private MediaTypes() {
        }

        /** The media type of a file named {@code name}; application/octet-stream when unknown (RFC 9110 8.3). */
        static String of(String name) {
            int dot = name.lastIndexOf('.');
            String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
            return type != null ? type : "application/octet-stream";
        }
    }
}
