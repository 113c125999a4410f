package io.keyrelay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LogLineEncoder} writes exactly the line of the pattern it replaces, in UTF-8. */
class LogLineEncoderTest {
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %msg%n";

    private final LoggerContext context = new LoggerContext();
    private final PatternLayout pattern = new PatternLayout();
    private final LogLineEncoder encoder = new LogLineEncoder();

    @BeforeEach
    void start() {
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        encoder.setContext(context);
        encoder.start();
    }

    @Test
    void writesThePatternsLine() {
        LoggingEvent e = event("io.keyrelay.proxy.ProxyExchange", Level.INFO, "vert.x-eventloop-thread-0",
                "POST http://127.0.0.1:18081/primary/v1/messages key=bench-097 primary stream=true", null,
                1_795_684_018_485L);
        assertEquals("2026-11-26T09:06:58.485Z INFO  [vert.x-eventloop-thread-0] ProxyExchange - POST "
                + "http://127.0.0.1:18081/primary/v1/messages key=bench-097 primary stream=true"
                + System.lineSeparator(), line(e));
        assertEquals(pattern.doLayout(e), line(e));
    }

    @Test
    void matchesThePatternAcrossLevelsNamesAndTimes() {
        Random random = new Random(7);
        List<Level> levels = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
        List<String> loggers = List.of("io.keyrelay.app.KeyRelay", "Root", "a.b", "x.");
        long[] moments = {0L, 999L, 1000L, 86_399_999L, 86_400_000L, 951_782_400_000L /* 2000-02-29 */,
                1_798_761_599_999L /* the last millisecond of 2026 */, 1_798_761_600_000L, 253_402_300_799_999L};
        for (long at : moments) {
            for (Level level : levels) {
                for (String logger : loggers) {
                    LoggingEvent e = event(logger, level, "t-" + level, "message é ✓ {} " + at, null, at);
                    assertEquals(pattern.doLayout(e), line(e), logger + " " + level + " " + at);
                }
            }
        }
        for (int i = 0; i < 20_000; i++) { // times out of order, as several threads may log them
            long at = random.nextLong(4_102_444_800_000L);
            LoggingEvent e = event("io.keyrelay.keys.KeyLifecycle", Level.WARN, "main", "m" + i, null, at);
            assertEquals(pattern.doLayout(e), line(e), "at " + at);
        }
    }

    @Test
    void followsTheLineWithTheStackTraceAsThePatternDoes() {
        IOException cause = new IOException("reset by peer");
        LoggingEvent e = event("io.keyrelay.proxy.UpstreamClient", Level.ERROR, "vert.x-eventloop-thread-1",
                "upstream failed", new IllegalStateException("broken", cause), 1_795_684_018_485L);
        String line = line(e);
        assertTrue(line.contains("java.lang.IllegalStateException: broken"), line);
        assertTrue(line.contains("Caused by: java.io.IOException: reset by peer"), line);
        assertEquals(pattern.doLayout(e), line);
    }

    private String line(LoggingEvent e) {
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    private LoggingEvent event(String logger, Level level, String thread, String message, Throwable thrown, long at) {
        LoggingEvent e = new LoggingEvent("fqcn", context.getLogger(logger), level, message, thrown, null);
        e.setThreadName(thread);
        e.setTimeStamp(at);
        return e;
    }
}
