package dev.strata.link.tap;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The per-packet system calls, bound by JNA <em>direct</em> mapping: static native methods
 * that take only primitives (the buffer is a native address), which costs about 0.16 µs per
 * call above the syscall instead of interface mapping's 0.75 µs (TOOLCHAIN.md), and
 * allocates nothing. errno is read afterwards with {@code Native.getLastError()}.
 */
final class TapIo {

    static {
        Native.register(TapIo.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** poll(2) events and results (asm-generic/poll.h). */
    static final short POLLIN = 0x001;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;
    static final short POLLNVAL = 0x020;

    /** struct pollfd { int fd; short events; short revents; }: 8 bytes. */
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_FD = 0;
    static final int POLLFD_EVENTS = 4;
    static final int POLLFD_REVENTS = 6;

    private TapIo() {
    }

    /** read(2): ssize_t read(int fd, void *buf, size_t count). */
    static native long read(int fd, long buffer, long count);

    /** write(2): ssize_t write(int fd, const void *buf, size_t count). */
    static native long write(int fd, long buffer, long count);

    /** poll(2): int poll(struct pollfd *fds, nfds_t nfds, int timeout). */
    static native int poll(long fds, long count, int timeoutMillis);
}
