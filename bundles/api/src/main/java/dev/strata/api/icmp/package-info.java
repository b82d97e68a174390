/**
 * ICMP: echo sessions for {@code ping}, and error reports (destination unreachable) for other layers to send.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.icmp;
