package dev.totpguard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Keeps every audit event, for assertions. Thread-safe. */
public final class RecordingListener implements TwoFactorListener {

    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(TwoFactorEvent event) {
        events.add(event);
    }

    public List<TwoFactorEvent> events() {
        return new ArrayList<>(events);
    }

    public List<TwoFactorEvent.Type> types() {
        return events.stream().map(TwoFactorEvent::type).collect(Collectors.toList());
    }

    public long count(TwoFactorEvent.Type type) {
        return events.stream().filter(event -> event.type() == type).count();
    }

    public void clear() {
        events.clear();
    }
}
