package io.keyrelay.app;

import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.KeyEvent;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The event log, telling a listener (metrics and alerts) about each state change once it is recorded. */
final class ObservedEventLog implements EventLog {
    private static final Logger log = LoggerFactory.getLogger(ObservedEventLog.class);

    private final EventLog delegate;
    private volatile Consumer<KeyEvent> listener = e -> { };

    ObservedEventLog(EventLog delegate) {
        this.delegate = delegate;
    }

    void listen(Consumer<KeyEvent> listener) {
        this.listener = listener;
    }

    @Override
    public void append(KeyEvent event) {
        delegate.append(event);
        tell(event);
    }

    @Override
    public void appendAll(List<KeyEvent> events) {
        delegate.appendAll(events);
        events.forEach(this::tell);
    }

    private void tell(KeyEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            // a listener's failure must not make the writer retry (and record twice) a state change
            log.warn("event listener failed for key={}: {}", event.keyId(), e.toString());
        }
    }

    @Override
    public List<KeyEvent> page(String keyId, int offset, int limit) {
        return delegate.page(keyId, offset, limit);
    }

    @Override
    public long count(String keyId) {
        return delegate.count(keyId);
    }

    @Override
    public long deleteBefore(java.time.Instant before) {
        return delegate.deleteBefore(before);
    }
}
