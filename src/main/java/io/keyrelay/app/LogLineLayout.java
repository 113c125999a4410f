package io.keyrelay.app;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * KeyRelay's log line, written without a pattern: exactly what the pattern
 * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %msg%n} gives (a stack trace, when
 * there is one, follows as the pattern's implicit {@code %ex} would write it), for a fraction of the work:
 * KeyRelay logs every forwarded request (SPEC §1), and the pattern's converters, its date formatter and its logger
 * name cache cost a visible part of a request's CPU. The date is UTC, its text up
 * to the second made once a second.
 */
public final class LogLineLayout extends LayoutBase<ILoggingEvent> {
    private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();
    private volatile SecondText lastSecond = new SecondText(0);

    @Override
    public void start() {
        throwables.setContext(getContext());
        throwables.start();
        super.start();
    }

    @Override
    public void stop() {
        throwables.stop();
        super.stop();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String thread = event.getThreadName();
        String logger = event.getLoggerName();
        StringBuilder line = new StringBuilder(48 + thread.length() + logger.length() + message.length());
        appendDate(line, event.getTimeStamp());
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(" [").append(thread).append("] ");
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length());
        line.append(" - ").append(message).append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(throwables.convert(event));
        }
        return line.toString();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
    private void appendDate(StringBuilder line, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        SecondText text = lastSecond;
        if (text.second != second) {
            text = new SecondText(second);
            lastSecond = text; // layouts may be called from several threads: the text is replaced, never changed
        }
        line.append(text.text);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        line.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
        line.append('Z');
    }

    /** A second's {@code yyyy-MM-ddTHH:mm:ss.} in UTC. */
    private static final class SecondText {
        final long second;
        final String text;

        SecondText(long second) {
            this.second = second;
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            char[] c = new char[20];
            put2(c, 0, t.getYear() / 100);
            put2(c, 2, t.getYear() % 100);
            c[4] = '-';
            put2(c, 5, t.getMonthValue());
            c[7] = '-';
            put2(c, 8, t.getDayOfMonth());
            c[10] = 'T';
            put2(c, 11, t.getHour());
            c[13] = ':';
            put2(c, 14, t.getMinute());
            c[16] = ':';
            put2(c, 17, t.getSecond());
            c[19] = '.';
            this.text = new String(c);
        }

        private static void put2(char[] c, int at, int value) {
            c[at] = (char) ('0' + value / 10);
            c[at + 1] = (char) ('0' + value % 10);
        }
    }
}
