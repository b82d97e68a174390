package dev.strata.core;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.strata.api.buffer.BufferPool;

/**
 * Publishes the stack's one {@link BufferPool}. The pool is a final class of the API (no
 * interface call on the packet path), so it is registered by hand rather than as this
 * component's own service.
 */
@Component(immediate = true, service = {})
public final class BufferPoolComponent {

    private final ServiceRegistration<BufferPool> registration;

    @Activate
    public BufferPoolComponent(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("strata.pool", "default");
        registration = context.registerService(BufferPool.class, new BufferPool(), properties);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters services of a stopping bundle itself
        }
    }
}
