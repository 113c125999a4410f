package io.keyrelay.app;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The console as a log sink that writes in batches: lines collect in a 64 KiB buffer and reach the console when
 * {@link #flush()} is called ({@link BatchingAppender} calls it after each batch) or the buffer fills. logback's
 * {@code ConsoleAppender} goes through {@code System.out}, which flushes on every write: one system call per log
 * line, and KeyRelay logs every forwarded request (SPEC §1). The console is {@code System.out} as it is when the
 * appender starts; stopping the appender flushes it but never closes it.
 */
public final class BufferedConsoleAppender<E> extends OutputStreamAppender<E> implements Flushable {
    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void start() {
        PrintStream console = System.out;
        setOutputStream(new BufferedOutputStream(new FilterOutputStream(console) {
            @Override
            public void write(byte[] b, int off, int len) {
                console.write(b, off, len); // FilterOutputStream would write byte by byte
            }

            @Override
            public void close() {
                console.flush(); // the console outlives the appender
            }
        }, BUFFER_BYTES));
        setImmediateFlush(false);
        super.start();
    }

    /** Writes the buffered lines to the console. */
    @Override
    public void flush() {
        OutputStream out = getOutputStream();
        if (out == null) {
            return;
        }
        streamWriteLock.lock();
        try {
            out.flush();
        } catch (IOException e) {
            addError("could not write log lines to the console", e);
        } finally {
            streamWriteLock.unlock();
        }
    }
}
