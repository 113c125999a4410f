package io.keyrelay.keys;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link StateWriter} with one daemon thread; database outages are waited out with capped backoff. */
public final class SerialStateWriter implements StateWriter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SerialStateWriter.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private record Task(String description, Runnable work) {
    }

    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean databaseDown;

    public SerialStateWriter(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void submit(String description, Runnable task) {
        queue.add(new Task(description, task));
    }

    public int queued() {
        return queue.size();
    }

    public boolean databaseDown() {
        return databaseDown;
    }

    /** Waits until everything submitted so far has run, or the timeout passes; true when drained. */
    public boolean drain(Duration timeout) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        submit("drain", latch::countDown);
        return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void loop() {
        while (running) {
            Task task;
            try {
                task = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (task != null) {
                runUntilStored(task);
            }
        }
    }

    private void runUntilStored(Task task) {
        long backoffMs = 100;
        while (running) {
            try {
                task.work().run();
                if (databaseDown) {
                    databaseDown = false;
                    log.info("database reachable again; {} state changes queued", queue.size());
                }
                return;
            } catch (StoreUnavailableException e) {
                if (!databaseDown) {
                    databaseDown = true;
                    log.warn("database unavailable, holding '{}' and later state changes: {}", task.description(), e.getMessage());
                }
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            } catch (RuntimeException e) {
                log.error("state change '{}' failed and is dropped", task.description(), e);
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
