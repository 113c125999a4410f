package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.TestStorage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state change interrupted by the database going away is written once, with one event, when it is rerun. */
@Tag("storage")
class TransitionRetryTest {
    @TempDir
    Path dataDir;
    MongoStorage storage;
    final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    /** Reruns a task while it reports the database unavailable, as the real writer does. */
    private static final StateWriter RERUNNING = (description, task) -> {
        for (int i = 0; ; i++) {
            try {
                task.run();
                return;
            } catch (StoreUnavailableException e) {
                if (i > 5) {
                    throw e;
                }
            }
        }
    };

    /** The real store, but the first call of {@code method} is applied and then reported as lost. */
    private KeyStore losingFirstReplyOf(String method, KeyStore real) {
        AtomicInteger calls = new AtomicInteger();
        InvocationHandler h = (proxy, m, args) -> {
            Object result;
            try {
                result = m.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
            if (m.getName().equals(method) && calls.getAndIncrement() == 0) {
                throw new StoreUnavailableException("reply lost", null);
            }
            return result;
        };
        return (KeyStore) Proxy.newProxyInstance(KeyStore.class.getClassLoader(), new Class<?>[] {KeyStore.class}, h);
    }

    private long events(EventLog log, String reason) {
        return log.page("k1", 0, 100).stream().filter(e -> e.reason().equals(reason)).count();
    }

    @Test
    void aTransitionWhoseAcknowledgementWasLostIsRecordedOnce() {
        KeyStore real = storage.keys();
        EventLog events = storage.events();
        KeyPool pool = new KeyPool(clock);
        PoolKey k1 = PoolKey.fresh("k1", "sk-test-k1-0123456789abcdef", true, null, clock.instant());
        real.insert(k1);
        pool.put(k1);
        KeyStore flaky = losingFirstReplyOf("compareAndSetState", real);
        KeyRotation rotation = new KeyRotation(flaky, storage.backupKeys(), events, clock, "i1", Duration.ofHours(24),
                RotationStep.Listener.NONE);
        KeyLifecycle lifecycle = new KeyLifecycle(pool, flaky, rotation, events, RERUNNING, clock, "i1", Duration.ofMinutes(2),
                new RotationBrake(Integer.MAX_VALUE, clock));

        lifecycle.onAnswer(k1, FailureClass.QUOTA, 402, Optional.empty());

        assertEquals(KeyStatus.USING_FAILOVER, real.find("k1").orElseThrow().status());
        assertEquals(KeyStatus.USING_FAILOVER, pool.get("k1").orElseThrow().status(), "not mistaken for another instance's change");
        assertEquals(1, events(events, EventReason.QUOTA_EXCEEDED.wireName()));
    }

    @Test
    void anEventWhoseWriteWasInterruptedIsAppendedOnceAfterTheStateIsStored() {
        KeyStore real = storage.keys();
        EventLog events = storage.events();
        AtomicInteger appends = new AtomicInteger();
        EventLog flakyEvents = new EventLog() {
            @Override
            public void append(KeyEvent event) {
                if (appends.getAndIncrement() == 0) {
                    throw new StoreUnavailableException("down", null);
                }
                events.append(event);
            }

            @Override
            public java.util.List<KeyEvent> page(String keyId, int offset, int limit) {
                return events.page(keyId, offset, limit);
            }

            @Override
            public long count(String keyId) {
                return events.count(keyId);
            }

            @Override
            public long deleteBefore(java.time.Instant before) {
                return events.deleteBefore(before);
            }
        };
        KeyPool pool = new KeyPool(clock);
        PoolKey k1 = PoolKey.fresh("k1", "sk-test-k1-0123456789abcdef", false, null, clock.instant());
        real.insert(k1);
        pool.put(k1);
        KeyRotation rotation = new KeyRotation(real, storage.backupKeys(), flakyEvents, clock, "i1", Duration.ofHours(24),
                RotationStep.Listener.NONE);
        KeyLifecycle lifecycle = new KeyLifecycle(pool, real, rotation, flakyEvents, RERUNNING, clock, "i1", Duration.ofMinutes(2),
                new RotationBrake(Integer.MAX_VALUE, clock));

        lifecycle.onAnswer(k1, FailureClass.RATE_LIMIT, 429, Optional.of(Duration.ofSeconds(30)));

        assertEquals(KeyStatus.RATE_LIMITED, real.find("k1").orElseThrow().status());
        assertEquals(1, events(events, EventReason.RATE_LIMITED.wireName()));
    }
}
