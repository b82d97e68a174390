/**
 * TCP's pluggable parts. Congestion control is a seam as small as Linux's
 * {@code tcp_congestion_ops}: the TCP bundle detects loss and runs recovery (RFC 5681, RFC
 * 6582, RFC 6675); a {@link dev.strata.api.tcp.CongestionControl} only says how the
 * congestion window grows on ACKs and how far it falls on a loss. Each algorithm is a bundle
 * registering a {@link dev.strata.api.tcp.CongestionControlFactory} with
 * {@code strata.tcp.cc=NAME}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.strata.api.tcp;
