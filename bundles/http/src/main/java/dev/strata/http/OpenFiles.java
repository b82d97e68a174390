package dev.strata.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The static files recently served, open, with what their responses need (validators, type), by
 * request path: a request for a file served within the last {@link #VALID_NANOS} costs no system
 * call but the reads (as nginx's open_file_cache). Each response reads through its own
 * {@link Reader} at its own position in the shared channel; a file dropped from the cache is
 * closed once the last response reading it is done.
 *
 * <p>The price is staleness: a file replaced or removed is seen within {@link #VALID_NANOS}.
 * Used from the server thread; synchronized for safety, never contended.
 */
final class OpenFiles {

    /** How long a looked-up file is trusted without looking again. */
    static final long VALID_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int capacity;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, OpenFile> files = new LinkedHashMap<>(16, 0.75f, true);

    OpenFiles(int capacity, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.nanoClock = nanoClock;
    }

    /** The file served at {@code path}, if looked up within {@link #VALID_NANOS}; else null (look it up). */
    synchronized OpenFile get(String path) {
        OpenFile f = files.get(path);
        if (f != null && nanoClock.getAsLong() - f.checkedAt > VALID_NANOS) {
            files.remove(path);
            f.drop();
            return null;
        }
        return f;
    }

    /** Opens {@code file} (just looked up, with {@code attributes}) and keeps it for {@code path}. */
    synchronized OpenFile open(String path, Path file, BasicFileAttributes attributes, String contentType)
            throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        OpenFile f = new OpenFile(this, channel, attributes, contentType, nanoClock.getAsLong());
        OpenFile old = files.put(path, f);
        if (old != null) {
            old.drop();
        }
        if (files.size() > capacity) {
            Iterator<Map.Entry<String, OpenFile>> eldest = files.entrySet().iterator();
            OpenFile e = eldest.next().getValue();
            eldest.remove();
            e.drop();
        }
        return f;
    }

    /** Closes every file not being read; the others close when their last reader does. */
    synchronized void clear() {
        for (OpenFile f : files.values()) {
            f.drop();
        }
        files.clear();
    }

    synchronized int size() {
        return files.size();
    }

    /** An open file and its response fields. */
    static final class OpenFile {
        private final OpenFiles owner;
        private final FileChannel channel;
        final long size;
        final long modifiedMillis;
        final String etag;
        final String lastModified;
        final String contentType;
        final long checkedAt;
        private int readers;
        private boolean dropped;

        private OpenFile(OpenFiles owner, FileChannel channel, BasicFileAttributes attributes, String contentType,
                long checkedAt) {
            this.owner = owner;
            this.channel = channel;
            this.size = attributes.size();
            this.modifiedMillis = attributes.lastModifiedTime().toMillis();
            this.etag = Validators.etag(size, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            this.lastModified = HttpDate.format(modifiedMillis);
            this.contentType = contentType;
            this.checkedAt = checkedAt;
        }

        /** A source of the file's bytes from {@code position}; the server closes it when the body is sent. */
        ReadableByteChannel reader(long position) {
            synchronized (owner) {
                readers++;
            }
            return new Reader(this, position);
        }

        /** Out of the cache: closed now, or by the last reader. */
        private void drop() {
            dropped = true;
            if (readers == 0) {
                closeChannel();
            }
        }

        private void release() {
            synchronized (owner) {
                if (--readers == 0 && dropped) {
                    closeChannel();
                }
            }
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException e) {
                // a read-only file: nothing was written that could be lost
            }
        }

        boolean isOpen() {
            return channel.isOpen();
        }
    }

    /** One response's reading of an open file: positional reads, so that readers never disturb each other. */
    private static final class Reader implements ReadableByteChannel {
        private final OpenFile file;
        private long position;
        private boolean closed;

        Reader(OpenFile file, long position) {
            this.file = file;
            this.position = position;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            int n = file.channel.read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                file.release();
            }
        }
    }
}
