package io.keyrelay.app;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * KeyRelay's log line, written straight to UTF-8 bytes without a pattern: the text of
 * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %msg%n} (a stack trace, when there is
 * one, follows as the pattern's implicit {@code %ex} writes it). A line is written into one array; the
 * date's text up to the second is made once a second. Why it is owned rather than logback's pattern encoder:
 * docs/performance.md, "Owned code".
 */
public final class LogLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] LINE_END = CoreConstants.LINE_SEPARATOR.getBytes(StandardCharsets.US_ASCII);

    private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();
    // used only inside encode, which is synchronized
    private SecondText lastSecond = new SecondText(0);
    private byte[] line = new byte[512];
    private int length;

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
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public synchronized byte[] encode(ILoggingEvent event) {
        length = 0;
        appendDate(event.getTimeStamp());
        append(' ');
        String level = event.getLevel().toString();
        append(level, 0);
        for (int i = level.length(); i < 5; i++) {
            append(' ');
        }
        append(' ');
        append('[');
        append(event.getThreadName(), 0);
        append(']');
        append(' ');
        String logger = event.getLoggerName();
        append(logger, logger.lastIndexOf('.') + 1);
        append(' ');
        append('-');
        append(' ');
        append(event.getFormattedMessage(), 0);
        append(LINE_END);
        if (event.getThrowableProxy() != null) {
            append(throwables.convert(event), 0);
        }
        return Arrays.copyOf(line, length);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
    private void appendDate(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        SecondText text = lastSecond;
        if (text.second != second) {
            text = new SecondText(second);
            lastSecond = text;
        }
        append(text.bytes);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        append((char) ('0' + millis / 100));
        append((char) ('0' + millis / 10 % 10));
        append((char) ('0' + millis % 10));
        append('Z');
    }

    private void append(char ascii) {
        room(1);
        line[length++] = (byte) ascii;
    }

    private void append(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, line, length, bytes.length);
        length += bytes.length;
    }

    /** {@code s} from {@code from} on, as UTF-8. */
    private void append(String s, int from) {
        int n = s.length();
        room(n - from);
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                append(s.substring(i).getBytes(StandardCharsets.UTF_8)); // rare: let the JDK encode the rest
                return;
            }
            line[length++] = (byte) c;
        }
    }

    private void room(int more) {
        if (length + more > line.length) {
            line = Arrays.copyOf(line, Math.max(length + more, 2 * line.length));
        }
    }

    /** A second's {@code yyyy-MM-ddTHH:mm:ss.} in UTC. */
    private static final class SecondText {
        final long second;
        final byte[] bytes;

        SecondText(long second) {
            this.second = second;
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            byte[] b = new byte[20];
            put2(b, 0, t.getYear() / 100);
            put2(b, 2, t.getYear() % 100);
            b[4] = '-';
            put2(b, 5, t.getMonthValue());
            b[7] = '-';
            put2(b, 8, t.getDayOfMonth());
            b[10] = 'T';
            put2(b, 11, t.getHour());
            b[13] = ':';
            put2(b, 14, t.getMinute());
            b[16] = ':';
            put2(b, 17, t.getSecond());
            b[19] = '.';
            this.bytes = b;
        }

        private static void put2(byte[] b, int at, int value) {
            b[at] = (byte) ('0' + value / 10);
            b[at + 1] = (byte) ('0' + value % 10);
        }
    }
}
