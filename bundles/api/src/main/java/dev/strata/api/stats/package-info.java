/**
 * Counters: every layer publishes its counters (packets, and drops by reason) as a {@link dev.strata.api.stats.StatisticsProvider} for {@code stats} and {@code ifconfig}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.stats;
