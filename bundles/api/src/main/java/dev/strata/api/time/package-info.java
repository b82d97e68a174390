/**
 * Time as a service: every protocol timer runs on a {@link dev.strata.api.time.Scheduler}, so tests drive time instead of waiting for it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.time;
