package dev.livesessions;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock in UTC whose time the test decides: subclasses say what {@link #instant()} is at each look. */
public abstract class UtcClock extends Clock {

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
