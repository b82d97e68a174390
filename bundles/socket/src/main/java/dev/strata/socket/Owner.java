package dev.strata.socket;

/**
 * The bundle a socket belongs to, as one {@link SocketServiceImpl} instance stands for it.
 * Compared by identity: two bundles with the same symbolic name (two versions installed at
 * once) are two owners, and closing one's sockets leaves the other's alone.
 */
final class Owner {

    private final String name;

    Owner(String name) {
        this.name = name;
    }

    /** The owning bundle's symbolic name, as {@code netstat -p} shows it. */
    String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
