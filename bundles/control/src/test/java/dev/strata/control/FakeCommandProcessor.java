package dev.strata.control;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.apache.felix.service.command.JobListener;

/** A Gogo stand-in: each command line is looked up by its first word in a map of fake commands. */
final class FakeCommandProcessor implements CommandProcessor {

    /** A fake command. */
    interface Command {
        Object run(String line, PrintStream out, PrintStream err) throws Exception;
    }

    /** Thrown for an unknown command; named like Gogo's so the server maps it to 127. */
    static final class CommandNotFoundException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CommandNotFoundException(String command) {
            super("Command not found: " + command);
        }
    }

    final Map<String, Command> commands = new ConcurrentHashMap<>();
    final AtomicInteger openSessions = new AtomicInteger();

    @Override
    public CommandSession createSession(InputStream in, OutputStream out, OutputStream err) {
        openSessions.incrementAndGet();
        return new Session(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public CommandSession createSession(CommandSession parent) {
        throw new UnsupportedOperationException();
    }

    private final class Session implements CommandSession {
        private final PrintStream out;
        private final PrintStream err;
        private final Map<String, Object> variables = new ConcurrentHashMap<>();
        private boolean closed;

        Session(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Object execute(CharSequence commandline) throws Exception {
            String line = commandline.toString().strip();
            String name = line.split("\\s+")[0];
            Command command = commands.get(name);
            if (command == null) {
                throw new CommandNotFoundException(name);
            }
            return command.run(line, out, err);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                openSessions.decrementAndGet();
            }
        }

        @Override
        public CharSequence format(Object target, int level) {
            return "<" + target + ">";
        }

        @Override
        public Object get(String name) {
            return variables.get(name);
        }

        @Override
        public Object put(String name, Object value) {
            return variables.put(name, value);
        }

        @Override
        public Path currentDir() {
            return Path.of(".");
        }

        @Override
        public void currentDir(Path path) {
        }

        @Override
        public ClassLoader classLoader() {
            return getClass().getClassLoader();
        }

        @Override
        public void classLoader(ClassLoader classLoader) {
        }

        @Override
        public InputStream getKeyboard() {
            return InputStream.nullInputStream();
        }

        @Override
        public PrintStream getConsole() {
            return out;
        }

        @Override
        public Object convert(Class<?> type, Object instance) {
            return instance;
        }

        @Override
        public List<Job> jobs() {
            return List.of();
        }

        @Override
        public Job foregroundJob() {
            return null;
        }

        @Override
        public void setJobListener(JobListener listener) {
        }
    }
}
