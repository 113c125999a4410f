package io.keyrelay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production log path: lines queued by callers, written by one thread, reaching the console in batches. */
class BatchingAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final AtomicInteger writeCalls = new AtomicInteger();
    private PrintStream savedOut;

    @BeforeEach
    void captureConsole() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        savedOut = System.out;
        OutputStream counting = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                writeCalls.incrementAndGet();
                written.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writeCalls.incrementAndGet();
                written.write(b, off, len);
            }
        };
        System.setOut(new PrintStream(counting, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(savedOut);
    }

    @Test
    void everyLineReachesTheConsoleInOrderInFarFewerWritesThanLines() {
        BatchingAppender batching = start(1_000_000);
        for (int i = 0; i < 5_000; i++) {
            batching.doAppend(event("line " + i));
        }
        batching.stop(); // writes what is queued

        List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5_000, lines.size());
        for (int i = 0; i < 5_000; i++) {
            assertEquals("INFO line " + i, lines.get(i));
        }
        assertTrue(writeCalls.get() <= 5_000 / 10, "5,000 lines took " + writeCalls.get() + " console writes");
    }

    @Test
    void aBatchReachesTheConsoleWithoutWaitingForStop() throws Exception {
        BatchingAppender batching = start(1_000_000);
        batching.doAppend(event("soon"));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!written.toString(StandardCharsets.UTF_8).contains("INFO soon") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(written.toString(StandardCharsets.UTF_8).contains("INFO soon"), "the line was not flushed by the writer");
        batching.stop();
    }

    @Test
    void linesBeyondTheQueueLimitAreCountedNotKept() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> kept = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> slowSink = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                kept.add(e.getFormattedMessage());
                writing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // a sink slower than the traffic
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        slowSink.setContext(context);
        slowSink.start();
        BatchingAppender batching = new BatchingAppender();
        batching.setContext(context);
        batching.setMaxQueued(10);
        batching.addAppender(slowSink);
        batching.start();

        batching.doAppend(event("first"));
        assertTrue(writing.await(10, TimeUnit.SECONDS), "the writer took the first line");
        for (int i = 0; i < 25; i++) {
            batching.doAppend(event("burst " + i)); // the writer is stuck: 10 wait, 15 are counted
        }
        release.countDown();
        batching.stop();

        assertEquals(11, kept.size(), kept.toString());
        assertEquals("burst 9", kept.get(10));
    }

    private BatchingAppender start(int maxQueued) {
        BatchingAppender batching = new BatchingAppender();
        batching.setContext(context);
        batching.setMaxQueued(maxQueued);
        batching.addAppender(console());
        batching.start();
        return batching;
    }

    private BufferedConsoleAppender<ILoggingEvent> console() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        BufferedConsoleAppender<ILoggingEvent> console = new BufferedConsoleAppender<>();
        console.setContext(context);
        console.setEncoder(encoder);
        console.start();
        return console;
    }

    private ILoggingEvent event(String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger("test"), Level.INFO, message, null, null);
    }
}
