package dev.strata.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Job;

/**
 * One client connection: a Gogo session, a reader thread that takes the client's frames, and a
 * session thread that executes the command lines one after the other.
 *
 * <p>The reader keeps reading after the client's {@link Frames#END}: the client keeps its side
 * open until it has every answer, so end of stream before that means the client went away
 * (Ctrl-C on {@code bin/client}), and the running command is interrupted instead of running on
 * with nobody to read it ({@code ping} without {@code -c}).
 */
final class Connection {

    /** Exit status of a command that threw. */
    static final int STATUS_FAILED = 1;
    /** Exit status when the command does not exist, as in POSIX shells. */
    static final int STATUS_NOT_FOUND = 127;

    private static final Object END = new Object();

    private final SocketChannel channel;
    private final CommandProcessor processor;
    private final Runnable onClose;
    private final OutputStream sink;
    private final Object writeLock = new Object();
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final Thread executor;
    private volatile CommandSession session;
    private volatile boolean closed;
    private volatile boolean lastCommand;

    Connection(SocketChannel channel, CommandProcessor processor, int id, Runnable onClose) {
        this.channel = channel;
        this.processor = processor;
        this.onClose = onClose;
        this.sink = ChannelStreams.out(channel);
        this.reader = new Thread(this::readFrames, "strata-control-" + id + "-reader");
        this.executor = new Thread(this::executeCommands, "strata-control-" + id);
        reader.setDaemon(true);
        executor.setDaemon(true);
    }

    void start() {
        executor.start();
        reader.start();
    }

    /** Ends the connection: interrupts a running command, closes the session and the socket. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        inbox.add(END);
        CommandSession s = session;
        if (s != null) {
            Job job = s.foregroundJob();
            if (job != null) {
                job.interrupt();
            }
        }
        executor.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort: the socket is gone either way.
        }
    }

    /** Whether {@code thread} is the one executing this connection's commands. */
    boolean executesOn(Thread thread) {
        return executor == thread;
    }

    /**
     * Lets the running command finish and answer, then ends the connection: for a command that
     * stops the control channel itself ({@code stop} of this bundle, {@code stop 0}), whose
     * client should still get its exit status.
     */
    void closeAfterCurrentCommand() {
        lastCommand = true;
    }

    void join(long millis) throws InterruptedException {
        if (executor != Thread.currentThread()) {
            executor.join(millis);
        }
        reader.join(Math.max(1, millis / 4));
    }

    private void readFrames() {
        InputStream in = ChannelStreams.in(channel);
        try {
            Frames.Frame frame;
            while ((frame = Frames.read(in)) != null) {
                if (frame.type() == Frames.COMMAND) {
                    inbox.add(frame.text());
                } else if (frame.type() == Frames.END) {
                    inbox.add(END);
                } else {
                    break; // an unknown frame type: not our client; hang up
                }
            }
        } catch (IOException e) {
            // A broken or hostile stream ends the connection like a hang-up does.
        }
        close();
    }

    private void executeCommands() {
        PrintStream out = new PrintStream(new FrameOutputStream(sink, writeLock, Frames.STDOUT), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FrameOutputStream(sink, writeLock, Frames.STDERR), true, StandardCharsets.UTF_8);
        CommandSession s = processor.createSession(InputStream.nullInputStream(), out, err);
        session = s;
        try {
            while (!closed) {
                Object item = inbox.take();
                if (item == END) {
                    break;
                }
                int status = execute(s, (String) item, out, err);
                out.flush();
                err.flush();
                if (closed) {
                    break;
                }
                synchronized (writeLock) {
                    Frames.writeExit(sink, status);
                }
                if (lastCommand) {
                    break;
                }
            }
        } catch (InterruptedException | IOException e) {
            // Interrupted by close(), or the client is gone: nobody is left to answer.
        } finally {
            s.close();
            close();
            onClose.run();
        }
    }

    private static int execute(CommandSession session, String line, PrintStream out, PrintStream err) {
        if (line.isBlank()) {
            return 0;
        }
        try {
            Object result = session.execute(line);
            // What gogo.shell's console does with a result: print it, formatted for people.
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                out.println(session.format(result, Converter.INSPECT));
            }
            return 0;
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            err.println(message(e));
            return status(e);
        }
    }

    /** The one line a user sees for a failed command: the message, without Gogo's class-name decoration. */
    static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static int status(Throwable e) {
        // Matched by name: org.apache.felix.gogo.runtime is not an API package.
        return e.getClass().getSimpleName().equals("CommandNotFoundException") ? STATUS_NOT_FOUND : STATUS_FAILED;
    }
}
