/**
 * Packet buffers: pooled direct memory with headroom, so that each layer prepends its header in place and the receive path parses without copying. The one rule of ownership: whoever holds a {@link dev.strata.api.buffer.PacketBuffer} either passes it on (a {@code receive}, {@code send} or {@code transmit} call takes ownership) or releases it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.strata.api.buffer;
