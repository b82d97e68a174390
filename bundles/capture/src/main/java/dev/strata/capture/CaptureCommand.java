package dev.strata.capture;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.strata.api.netif.InterfaceManager;

/**
 * {@code capture start [-i NAME] FILE} and {@code capture stop}: a pcap file of every frame
 * an interface (or every interface) sends and receives, readable by Wireshark and tshark,
 * as {@code tcpdump -w} writes. A {@link dev.strata.api.netif.FrameTap} on the interfaces
 * copies frames into a ring on the packet threads; the thread
 * {@value CaptureSession#THREAD_NAME} writes them out. With no capture running no tap is
 * set, so capture costs nothing.
 *
 * <p>Without {@code -i} the capture covers the interfaces that are up when it starts. On a
 * loopback interface each frame is written once, on arrival, as tcpdump shows {@code lo}. A
 * relative FILE is taken in the directory named by the system property
 * {@value #DATA_PROPERTY} (the distribution's {@code data/}), else the working directory.
 * One capture runs at a time; stopping this bundle stops it and closes its file.
 */
@Descriptor("capture frames into a pcap file (tcpdump -w)")
// Immediate: the running capture lives in this component, which a delayed component would
// lose each time Gogo releases the service after a command.
@Component(service = CaptureCommand.class, immediate = true,
        property = {"osgi.command.scope=net", "osgi.command.function=capture"})
public class CaptureCommand {

    static final String USAGE = "Usage: capture start [-i NAME] FILE | capture stop";
    /** The directory relative capture files go to. */
    static final String DATA_PROPERTY = "strata.data";

    private static final Logger LOG = System.getLogger(CaptureCommand.class.getName());

    private final InterfaceManager interfaces;
    private final int ringBytes;
    private CaptureSession running;

    @Activate
    public CaptureCommand(@Reference(name = "interfaces") InterfaceManager interfaces) {
        this(interfaces, CaptureSession.DEFAULT_RING_BYTES);
    }

    /** For tests: a ring of {@code ringBytes}. */
    CaptureCommand(InterfaceManager interfaces, int ringBytes) {
        this.interfaces = interfaces;
        this.ringBytes = ringBytes;
    }

    @Descriptor("start [-i NAME] FILE: capture NAME (default: every interface) into FILE; stop: finish the file and print the count")
    public void capture(@Descriptor("start [-i NAME] FILE, or stop") String... words) {
        run(System.out, Arrays.asList(words));
    }

    /** Parses all of {@code words}, then starts or stops; output to {@code out}. */
    synchronized void run(PrintStream out, List<String> words) {
        if (words.isEmpty()) {
            throw CaptureException.usage("start or stop?");
        }
        switch (words.get(0)) {
            case "start":
                start(out, words.subList(1, words.size()));
                break;
            case "stop":
                if (words.size() > 1) {
                    throw CaptureException.usage("unexpected argument '" + words.get(1) + "'");
                }
                stop(out);
                break;
            default:
                throw CaptureException.usage("unknown subcommand '" + words.get(0) + "'");
        }
    }

    private void start(PrintStream out, List<String> words) {
        String name = null;
        String file = null;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-i")) {
                if (name != null) {
                    throw CaptureException.usage("-i given twice");
                }
                if (i + 1 >= words.size()) {
                    throw CaptureException.usage("option requires an argument -- 'i'");
                }
                name = words.get(++i);
            } else if (word.startsWith("-") && word.length() > 1) {
                throw CaptureException.usage("invalid option -- '" + word.substring(1) + "'");
            } else if (file != null) {
                throw CaptureException.usage("unexpected argument '" + word + "'");
            } else {
                file = word;
            }
        }
        if (file == null) {
            throw CaptureException.usage("start needs a FILE");
        }
        if (running != null) {
            throw CaptureException.failed("a capture into " + running.file() + " is running; capture stop first");
        }
        Path path = resolve(file);
        if (name != null && interfaces.byName(name) == null) {
            throw CaptureException.failed(name + ": No such device exists");
        }
        CaptureSession session;
        try {
            session = new CaptureSession(path, name, ringBytes);
        } catch (IOException e) {
            throw CaptureException.failed(path + ": " + reason(e));
        }
        session.start();
        if (!interfaces.setTap(name, session)) {
            // The interface went away between the check and the tap.
            finish(session);
            deleteQuietly(path);
            throw CaptureException.failed(name + ": No such device exists");
        }
        running = session;
        out.println("capture: listening on " + (name == null ? "every interface" : name)
                + ", link-type EN10MB (Ethernet), snapshot length " + PcapFormat.SNAPLEN + " bytes, writing " + path);
        out.flush();
    }

    private void stop(PrintStream out) {
        CaptureSession session = running;
        if (session == null) {
            throw CaptureException.failed("no capture is running");
        }
        running = null;
        CaptureSession.Summary summary = finish(session);
        out.println(summary.line());
        out.flush();
        if (summary.failure() != null) {
            throw CaptureException.failed(session.file() + ": " + reason(summary.failure()));
        }
    }

    /** Removes the tap (so no frame comes after), then flushes and closes the file. */
    private CaptureSession.Summary finish(CaptureSession session) {
        interfaces.setTap(session.interfaceName(), null);
        try {
            return session.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CaptureException.failed("interrupted while finishing " + session.file());
        }
    }

    /** Stops a running capture when the bundle stops: the file is complete, nothing stays tapped. */
    @Deactivate
    synchronized void deactivate() {
        CaptureSession session = running;
        if (session != null) {
            running = null;
            CaptureSession.Summary summary = finish(session);
            LOG.log(Level.INFO, "capture into " + session.file() + " stopped: " + summary.line());
        }
    }

    /** Whether a capture is running, for tests. */
    synchronized boolean isRunning() {
        return running != null;
    }

    /** A relative name is taken in {@value #DATA_PROPERTY} if set, else in the working directory. */
    static Path resolve(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw CaptureException.usage("bad file name '" + file + "'");
        }
        if (path.isAbsolute()) {
            return path;
        }
        String data = System.getProperty(DATA_PROPERTY);
        return (data == null || data.isBlank() ? path.toAbsolutePath() : Path.of(data).resolve(path).toAbsolutePath()).normalize();
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Nothing to do: the file was ours and empty but for the header.
        }
    }
}
