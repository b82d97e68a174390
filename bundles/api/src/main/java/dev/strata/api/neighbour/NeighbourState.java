package dev.strata.api.neighbour;

/** States of a neighbour cache entry, named as Linux's {@code ip neigh} names them. */
public enum NeighbourState {
    /** A request is out and no reply has come; packets wait in a short queue. */
    INCOMPLETE,
    /** Confirmed recently: the address is used without asking. */
    REACHABLE,
    /** Not confirmed for a while: still used, and re-verified on the next use. */
    STALE,
    /** Used while stale: waiting briefly for confirmation before probing. */
    DELAY,
    /** Re-verifying by unicast requests. */
    PROBE,
    /** Resolution failed; packets to it are dropped until it is asked again. */
    FAILED,
    /** Set by hand; never expires. */
    PERMANENT
}
