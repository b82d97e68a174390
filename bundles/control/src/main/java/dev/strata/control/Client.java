package dev.strata.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/client}: runs Gogo command lines in a running Strata over its control socket.
 *
 * <p>With arguments, they are joined by spaces into one command line; without, every line of
 * standard input is a command line. Output is copied to this process's stdout and stderr as it
 * arrives, and the exit status is the last command's (0 on success, 1 when it failed, 127 when
 * it does not exist), or {@value #STATUS_NO_ANSWER} when Strata could not be reached or went
 * away before answering. Plain Java: no OSGi class is loaded.
 *
 * <p>The socket is {@code -Dstrata.control.socket=PATH}, else {@code ${strata.data}/control.sock},
 * else {@code data/control.sock}.
 */
public final class Client {

    /** Exit status when no answer came: nothing listens on the socket, or the connection broke. */
    public static final int STATUS_NO_ANSWER = 255;

    private Client() {
    }

    /** Entry point of {@code bin/client}. */
    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err, socket());
        System.out.flush();
        System.exit(status);
    }

    static Path socket() {
        String explicit = System.getProperty("strata.control.socket");
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit);
        }
        return ControlPaths.socketPath(System.getProperty("strata.data"));
    }

    /** Runs the commands against the server at {@code socket}; returns the exit status. */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Path socket) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            err.println("client: cannot connect to " + socket + " (" + reason(e) + "); is bin/strata running?");
            return STATUS_NO_ANSWER;
        }
        try (channel) {
            OutputStream toServer = ChannelStreams.out(channel);
            AtomicInteger sent = new AtomicInteger();
            Thread sender = new Thread(() -> send(args, stdin, toServer, sent), "client-sender");
            sender.setDaemon(true); // may be blocked reading a terminal when the server hangs up
            sender.start();
            return receive(ChannelStreams.in(channel), out, err, sent);
        } catch (IOException e) {
            err.println("client: " + reason(e));
            return STATUS_NO_ANSWER;
        }
    }

    private static void send(String[] args, InputStream stdin, OutputStream toServer, AtomicInteger sent) {
        try {
            if (args.length > 0) {
                sent.incrementAndGet();
                Frames.writeText(toServer, Frames.COMMAND, String.join(" ", args));
            } else {
                BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    sent.incrementAndGet();
                    Frames.writeText(toServer, Frames.COMMAND, line);
                }
            }
            Frames.write(toServer, Frames.END, new byte[0], 0, 0);
        } catch (IOException e) {
            // The server hung up; the receiving side reports it.
        }
    }

    private static int receive(InputStream fromServer, PrintStream out, PrintStream err, AtomicInteger sent) throws IOException {
        int status = 0;
        int answered = 0;
        Frames.Frame frame;
        while ((frame = readOrEnd(fromServer)) != null) {
            switch (frame.type()) {
                case Frames.STDOUT -> {
                    out.write(frame.payload(), 0, frame.payload().length);
                    out.flush();
                }
                case Frames.STDERR -> {
                    out.flush(); // keep stdout and stderr in the order the command wrote them
                    err.write(frame.payload(), 0, frame.payload().length);
                    err.flush();
                }
                case Frames.EXIT -> {
                    status = frame.status();
                    answered++;
                }
                default -> throw new IOException("unexpected frame type " + frame.type());
            }
        }
        out.flush();
        if (answered < sent.get()) {
            err.println("client: Strata closed the connection before the command finished");
            return STATUS_NO_ANSWER;
        }
        return status;
    }

    /**
     * The next frame, or null at the end of the stream. A stream that ends inside a frame is
     * the same to the user as one that ends between frames: Strata went away mid-answer (its
     * channel closed while the command's last output was being written).
     */
    private static Frames.Frame readOrEnd(InputStream fromServer) throws IOException {
        try {
            return Frames.read(fromServer);
        } catch (java.io.EOFException truncated) {
            return null;
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
