package dev.strata.link.tap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A Linux {@code struct ifreq} (linux/if.h, 40 bytes on LP64): the interface name in the
 * first {@code IFNAMSIZ} bytes and a union at offset 16 holding, for the calls used here,
 * {@code ifr_flags} (short) or {@code ifr_mtu} (int), in the machine's byte order.
 */
final class Ifreq {

    /** sizeof(struct ifreq) on 64-bit Linux. */
    static final int SIZE = 40;
    /** IFNAMSIZ, including the terminating NUL. */
    static final int NAME_SIZE = 16;
    static final int UNION_OFFSET = 16;

    /** linux/if_tun.h */
    static final int TUNSETIFF = 0x400454ca;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    /** Every frame read or written is preceded by a struct virtio_net_hdr ({@link VirtioNetHeader}). */
    static final short IFF_VNET_HDR = 0x4000;
    /** _IOW('T', 208, unsigned int): the offloads the reader accepts (linux/if_tun.h). */
    static final int TUNSETOFFLOAD = 0x400454d0;
    /** The reader takes frames whose checksum is left to it (TUN_F_CSUM). */
    static final int TUN_F_CSUM = 0x01;
    /** The reader takes TCP/IPv4 frames of up to 64 KB to be segmented (TUN_F_TSO4). */
    static final int TUN_F_TSO4 = 0x02;

    /** linux/sockios.h */
    static final int SIOCGIFFLAGS = 0x8913;
    static final int SIOCSIFFLAGS = 0x8914;
    static final int SIOCGIFMTU = 0x8921;
    static final int SIOCSIFMTU = 0x8922;

    /** linux/if.h: net_device_flags */
    static final short IFF_UP = 0x1;

    final byte[] bytes = new byte[SIZE];
    private final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

    /**
     * An ifreq naming {@code name}, everything else zero.
     *
     * @throws IllegalArgumentException if the name does not fit in IFNAMSIZ - 1 bytes
     */
    Ifreq(String name) {
        byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
        if (encoded.length == 0 || encoded.length >= NAME_SIZE) {
            throw new IllegalArgumentException("interface name must be 1 to 15 bytes: " + name);
        }
        System.arraycopy(encoded, 0, bytes, 0, encoded.length);
    }

    short flags() {
        return view.getShort(UNION_OFFSET);
    }

    Ifreq flags(short flags) {
        view.putShort(UNION_OFFSET, flags);
        return this;
    }

    int mtu() {
        return view.getInt(UNION_OFFSET);
    }

    Ifreq mtu(int mtu) {
        view.putInt(UNION_OFFSET, mtu);
        return this;
    }
}
