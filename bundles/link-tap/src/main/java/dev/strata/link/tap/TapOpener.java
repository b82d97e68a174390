package dev.strata.link.tap;

import java.io.IOException;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import dev.strata.api.link.LinkRequest;

/**
 * Opens a TAP device the way {@code ip tuntap} and QEMU do: {@code open("/dev/net/tun")},
 * {@code ioctl(TUNSETIFF)} with {@code IFF_TAP | IFF_NO_PI} (which attaches to an existing
 * device or creates one), then sets the kernel side's MTU and brings it administratively up
 * through an {@code AF_INET} datagram socket, all in the requested network namespace.
 *
 * <p>A network namespace is entered with {@code setns(2)}, which changes the namespace of the
 * calling OS thread only; so the whole open runs on a short-lived thread of its own and the
 * JVM's other threads stay where they are. The file descriptor it returns keeps the device
 * bound to that namespace after the thread ends.
 */
final class TapOpener {

    static final String TUN_PATH = "/dev/net/tun";
    static final String NETNS_DIR = "/var/run/netns/";

    /** The outcome of an open: the TAP file descriptor and the MTU the device has. */
    record Opened(int fd, int mtu, boolean offload) {
    }

    private TapOpener() {
    }

    /**
     * Opens {@code request.name()} in {@code request.netns()} (or the JVM's own namespace).
     *
     * @throws IOException with a one-line message a user can act on
     */
    static Opened open(LinkRequest request) throws IOException {
        return open(request, false);
    }

    /** @param offload ask for checksum and segmentation offload ({@link #attachWithOffload}) */
    static Opened open(LinkRequest request, boolean offload) throws IOException {
        String netns = request.netns();
        if (netns == null || netns.isEmpty()) {
            return openHere(request, offload);
        }
        if (netns.contains("/") || netns.equals(".") || netns.equals("..")) {
            throw new IOException("invalid network namespace name: " + netns);
        }
        Opened[] result = new Opened[1];
        IOException[] failure = new IOException[1];
        Thread opener = new Thread(() -> {
            try {
                enterNamespace(netns);
                result[0] = openHere(request, offload);
            } catch (IOException e) {
                failure[0] = e;
            } catch (RuntimeException | Error e) {
                failure[0] = new IOException("cannot open TAP device " + request.name() + ": " + e, e);
            }
        }, "strata-tap-open-" + request.name());
        opener.setDaemon(true);
        opener.start();
        // Wait even when interrupted: the thread may be about to hand back a descriptor that
        // nobody else would close.
        boolean interrupted = false;
        while (opener.isAlive()) {
            try {
                opener.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    /** Moves the calling thread into the network namespace {@code /var/run/netns/NETNS}. */
    private static void enterNamespace(String netns) throws IOException {
        LibC libc = LibC.get();
        int nsFd;
        try {
            nsFd = libc.open(NETNS_DIR + netns, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOENT) {
                throw new IOException("network namespace " + netns + " not found");
            }
            throw new IOException("cannot enter network namespace " + netns + ": " + describe(e.getErrorCode()));
        }
        try {
            libc.setns(nsFd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == LibC.EPERM || errno == LibC.EACCES) {
                throw new IOException("cannot enter network namespace " + netns + ": permission denied (needs CAP_SYS_ADMIN)");
            }
            throw new IOException("cannot enter network namespace " + netns + ": " + describe(errno));
        } finally {
            closeQuietly(nsFd);
        }
    }

    /**
     * Attaches with IFF_VNET_HDR and turns on checksum and TCP segmentation offload
     * (TUN_F_CSUM | TUN_F_TSO4), as QEMU's virtio-net backend does: the kernel then hands the
     * reader TCP segments of up to 64 KB (its GSO packets, unsegmented) and frames whose
     * checksum it left undone, described by a virtio_net_hdr before each frame. False (and
     * nothing changed) when the kernel refuses either; the caller attaches without.
     */
    private static boolean attachWithOffload(LibC libc, int fd, Ifreq ifreq) {
        try {
            libc.ioctl(fd, new NativeLong(Ifreq.TUNSETIFF),
                    ifreq.flags((short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI | Ifreq.IFF_VNET_HDR)).bytes);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            libc.ioctl(fd, new NativeLong(Ifreq.TUNSETOFFLOAD), new NativeLong(Ifreq.TUN_F_CSUM | Ifreq.TUN_F_TSO4));
            return true;
        } catch (LastErrorException e) {
            // attached with the header already: it stays (all zero: nothing offloaded)
            return true;
        }
    }

    /** The open itself, in the calling thread's network namespace. */
    private static Opened openHere(LinkRequest request, boolean offloadWanted) throws IOException {
        String name = request.name();
        LibC libc = LibC.get();
        Ifreq ifreq;
        try {
            ifreq = new Ifreq(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot open TAP device " + name + ": " + e.getMessage());
        }
        int fd;
        try {
            fd = libc.open(TUN_PATH, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(openFailure(name, e.getErrorCode()));
        }
        boolean done = false;
        try {
            boolean offload = offloadWanted && attachWithOffload(libc, fd, ifreq);
            if (!offload) {
                try {
                    libc.ioctl(fd, new NativeLong(Ifreq.TUNSETIFF), ifreq.flags((short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI)).bytes);
                } catch (LastErrorException e) {
                    throw new IOException(attachFailure(name, e.getErrorCode()));
                }
            }
            int mtu = configure(name, request.mtu());
            done = true;
            return new Opened(fd, mtu, offload);
        } finally {
            if (!done) {
                closeQuietly(fd);
            }
        }
    }

    /**
     * Sets the MTU (when one is requested, else reads the device's) and sets IFF_UP, through
     * a datagram socket of the current namespace, as {@code ip link set NAME mtu N up} does.
     */
    private static int configure(String name, int requestedMtu) throws IOException {
        LibC libc = LibC.get();
        int socket;
        try {
            socket = libc.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot configure TAP device " + name + ": socket: " + describe(e.getErrorCode()));
        }
        try {
            int mtu;
            Ifreq mtuRequest = new Ifreq(name);
            if (requestedMtu > 0) {
                try {
                    libc.ioctl(socket, new NativeLong(Ifreq.SIOCSIFMTU), mtuRequest.mtu(requestedMtu).bytes);
                } catch (LastErrorException e) {
                    throw new IOException("cannot set MTU " + requestedMtu + " on " + name + ": " + describe(e.getErrorCode()));
                }
                mtu = requestedMtu;
            } else {
                try {
                    libc.ioctl(socket, new NativeLong(Ifreq.SIOCGIFMTU), mtuRequest.bytes);
                } catch (LastErrorException e) {
                    throw new IOException("cannot read the MTU of " + name + ": " + describe(e.getErrorCode()));
                }
                mtu = mtuRequest.mtu();
            }
            Ifreq flags = new Ifreq(name);
            try {
                libc.ioctl(socket, new NativeLong(Ifreq.SIOCGIFFLAGS), flags.bytes);
                flags.flags((short) (flags.flags() | Ifreq.IFF_UP));
                libc.ioctl(socket, new NativeLong(Ifreq.SIOCSIFFLAGS), flags.bytes);
            } catch (LastErrorException e) {
                throw new IOException("cannot bring TAP device " + name + " up: " + describe(e.getErrorCode()));
            }
            return mtu;
        } finally {
            closeQuietly(socket);
        }
    }

    /** The message for a failed {@code open("/dev/net/tun")}. */
    static String openFailure(String name, int errno) {
        switch (errno) {
            case LibC.EPERM:
            case LibC.EACCES:
                return "cannot open TAP device " + name + ": permission denied (needs CAP_NET_ADMIN)";
            case LibC.ENOENT:
                return "cannot open TAP device " + name + ": " + TUN_PATH + " not found (is the tun module loaded?)";
            case LibC.ENODEV:
                return "cannot open TAP device " + name + ": " + TUN_PATH + " has no driver (is the tun module loaded?)";
            default:
                return "cannot open TAP device " + name + ": " + describe(errno);
        }
    }

    /** The message for a failed {@code ioctl(TUNSETIFF)}. */
    static String attachFailure(String name, int errno) {
        switch (errno) {
            case LibC.EPERM:
            case LibC.EACCES:
                return "cannot open TAP device " + name + ": permission denied (needs CAP_NET_ADMIN)";
            case LibC.EBUSY:
                return "cannot open TAP device " + name + ": device busy (is another process attached to it?)";
            case LibC.EINVAL:
                return "cannot open TAP device " + name + ": invalid argument (does a device of that name exist that is not a TAP?)";
            default:
                return "cannot open TAP device " + name + ": " + describe(errno);
        }
    }

    /** strerror(3) text and the errno, or just the number if the C library is not at hand. */
    static String describe(int errno) {
        try {
            return LibC.get().strerror(errno) + " (errno " + errno + ")";
        } catch (RuntimeException | LinkageError e) {
            return "errno " + errno;
        }
    }

    static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            LibC.get().close(fd);
        } catch (LastErrorException e) {
            // Nothing to do: the descriptor is gone either way (close(2) never leaves it open on Linux).
        }
    }
}
