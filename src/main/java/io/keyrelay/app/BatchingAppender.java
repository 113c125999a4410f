package io.keyrelay.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.Flushable;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to one writer thread without ever making the caller wait: event loops log every forwarded request
 * (SPEC §1), and neither a slow log sink nor a lock may stall them. Callers add to a lock-free queue and return; the
 * writer wakes every {@code flushMillis} (default 20) and writes what has queued. Should more than
 * {@code maxQueued} lines wait (a sink slower than the traffic for that long), further lines are counted instead of
 * kept, and the count is logged once the writer catches up. Attached sinks that buffer ({@link java.io.Flushable},
 * such as {@link BufferedConsoleAppender}) are flushed after each batch.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread writer;
    private volatile boolean running;
    private int maxQueued = 100_000;
    private long flushMillis = 20;

    public void setMaxQueued(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    public void setFlushMillis(long flushMillis) {
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        running = true;
        Thread t = new Thread(this::writeLoop, "keyrelay-log-writer");
        t.setDaemon(true);
        writer = t;
        super.start();
        t.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        event.prepareForDeferredProcessing(); // formats the message and copies the MDC on the caller's thread
        queue.offer(event);
    }

    /** Writes what is queued, then stops the writer; nothing logged before stop() is lost. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
        appenders.detachAndStopAllAppenders();
    }

    private void writeLoop() {
        while (running) {
            drain();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushMillis));
        }
    }

    private void drain() {
        ILoggingEvent event;
        while ((event = queue.poll()) != null) {
            queued.decrementAndGet();
            appenders.appendLoopOnAppenders(event);
        }
        flushAppenders();
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            addWarn(lost + " log lines were dropped: the log sink was slower than the traffic");
            System.err.println("keyrelay: " + lost + " log lines were dropped: the log sink was slower than the traffic");
        }
    }

    /** Sinks that buffer (see {@link BufferedConsoleAppender}) write the batch now: one write per batch. */
    private void flushAppenders() {
        Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders();
        while (it.hasNext()) {
            if (it.next() instanceof Flushable sink) {
                try {
                    sink.flush();
                } catch (IOException e) {
                    addError("could not flush a log sink", e);
                }
            }
        }
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
