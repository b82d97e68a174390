package dev.strata.arp;

/** The ARP layer's counters: packets in and out, and every reason one is dropped. */
public enum ArpCounter {
    /** Valid requests received. */
    InRequests,
    /** Valid replies received. */
    InReplies,
    /** Requests sent (resolution, probes and announcements). */
    OutRequests,
    /** Replies sent for our addresses. */
    OutReplies,
    /** Gratuitous ARP received (sender and target protocol addresses equal). */
    Gratuitous,
    /** Gratuitous requests sent when an interface came up. */
    OutGratuitous,
    /** Shorter than the 28-byte Ethernet/IPv4 ARP packet. */
    TooShort,
    /** Hardware type other than Ethernet (1). */
    BadHardwareType,
    /** Protocol type other than IPv4 (0x0800). */
    BadProtocolType,
    /** Hardware or protocol address length other than 6 and 4. */
    BadLengths,
    /** Operation other than request (1) or reply (2). */
    BadOperation,
    /** Sender MAC multicast, broadcast or zero; sender IP multicast, broadcast, or 0.0.0.0 outside a probe. */
    BadSenderAddress,
    /** Target IP multicast or limited broadcast. */
    BadTargetAddress,
    /** Another station claims one of our addresses (RFC 5227 2.4). */
    AddressConflict,
    /** Not for one of our addresses: not answered, nothing learnt. */
    NotForUs,
    /** Received without an input interface. */
    NoInterface,
    /** A packet dropped because its entry's queue was full (the oldest goes). */
    QueueOverflow,
    /** Resolutions that ended in FAILED. */
    ResolutionFailed,
    /** Packets released because their next hop could not be resolved or its interface went down. */
    UnresolvedDropped,
    /** A new entry was needed and the cache was full of entries in use. */
    CacheFull,
    /** A packet or request dropped because no Ethernet layer was bound. */
    NoEthernet,
    /** Sent on an interface that is down or has no address. */
    InterfaceDown
}
