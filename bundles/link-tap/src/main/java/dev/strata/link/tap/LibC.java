package dev.strata.link.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The C library calls used to set a TAP device up, through JNA interface mapping. Only
 * setup goes through here: interface mapping costs about 0.75 µs per call (see
 * TOOLCHAIN.md), so the per-packet calls are in {@link TapIo}, directly mapped.
 *
 * <p>Each call throws {@link LastErrorException} carrying errno when it returns -1.
 */
public interface LibC extends Library {

    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;

    int AF_INET = 2;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = O_CLOEXEC;

    int EFD_NONBLOCK = O_NONBLOCK;
    int EFD_CLOEXEC = O_CLOEXEC;

    /** setns(2): the namespace type of a network namespace. */
    int CLONE_NEWNET = 0x40000000;

    int EPERM = 1;
    int ENOENT = 2;
    int EINTR = 4;
    int EAGAIN = 11;
    int EACCES = 13;
    int EBUSY = 16;
    int ENODEV = 19;
    int EINVAL = 22;

    /** Loaded on first use, so that the class can be named without loading native code. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }

    static LibC get() {
        return Holder.INSTANCE;
    }

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, byte[] argument) throws LastErrorException;

    /** An ioctl whose argument is a value, not a pointer (TUNSETOFFLOAD). */
    int ioctl(int fd, NativeLong request, NativeLong argument) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int eventfd(int initialValue, int flags) throws LastErrorException;

    String strerror(int errno);
}
