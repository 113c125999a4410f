package io.keyrelay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void linesBeyondTheQueueLimitAreCountedNotKept() {
        BatchingAppender batching = new BatchingAppender();
        batching.setContext(context);
        batching.setMaxQueued(10);
        batching.setFlushMillis(60_000); // the writer sleeps through the burst
        batching.addAppender(console());
        batching.start();
        for (int i = 0; i < 25; i++) {
            batching.doAppend(event("burst " + i));
        }
        batching.stop();
        assertEquals(10, written.toString(StandardCharsets.UTF_8).lines().count());
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
