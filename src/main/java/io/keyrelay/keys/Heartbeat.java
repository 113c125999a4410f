package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's heartbeat in the {@link PeerRegistry}, on a thread of its own so that neither the state writer's
 * queue nor a busy worker pool delays it: peers take an instance whose heartbeat stops for dead and finish its
 * rotations. The first beat is written before the instance serves; a clean stop removes the instance's entry.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final PeerRegistry peers;
    private final String instance;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyrelay-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    public Heartbeat(PeerRegistry peers, String instance, Clock clock) {
        this.peers = peers;
        this.instance = instance;
        this.clock = clock;
    }

    /** Beats once now (a database error is thrown), then every {@code interval}. */
    public void start(Duration interval) {
        peers.beat(instance, clock.instant());
        long ms = interval.toMillis();
        thread.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            peers.beat(instance, clock.instant());
            if (failing) {
                failing = false;
                log.info("heartbeat written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("heartbeat not written ({}); peers may finish this instance's rotations", e.toString());
            }
        }
    }

    /** Stops beating and leaves the registry (best effort: a peer forgets a stale entry by itself). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            peers.leave(instance);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.info("could not leave the instance registry: {}", e.toString());
        }
    }
}
