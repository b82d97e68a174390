package dev.strata.tcp.cc.reno;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionControlFactory;
import org.osgi.service.component.annotations.Component;

/**
 * Registers Reno ({@code strata.tcp.cc=reno}) for TCP, which makes one
 * {@link RenoCongestionControl} per connection.
 */
@Component(service = CongestionControlFactory.class,
        property = CongestionControlFactory.PROPERTY + "=" + RenoCongestionControl.NAME)
public final class RenoFactory implements CongestionControlFactory {

    @Override
    public CongestionControl create() {
        return new RenoCongestionControl();
    }
}
