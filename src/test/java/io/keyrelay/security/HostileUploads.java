package io.keyrelay.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sockets that each send a request head declaring a large body, then all of the body but its last byte, and hold
 * the connection open: the attack of a client that wants the server to buffer as much as it can.
 */
final class HostileUploads implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();

    /**
     * Opens {@code count} such connections to {@code port}, {@code parallel} at a time; {@code head} is the request
     * head without its blank line, {@code bodyStart} the first bytes of the body, {@code length} the declared length.
     * Returns once every connection has sent what it could (a refused one stops at its first failed write), or after
     * 60 s: a connection whose writes are blocked by a server that stopped reading stays open, held.
     */
    static HostileUploads send(int port, int count, int parallel, String head, String bodyStart, int length) {
        HostileUploads uploads = new HostileUploads();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            for (int i = 0; i < count; i++) {
                pool.execute(() -> uploads.one(port, head, bodyStart, length));
            }
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return uploads;
    }

    private void one(int port, String head, String bodyStart, int length) {
        Socket s;
        try {
            s = new Socket("127.0.0.1", port);
        } catch (IOException e) {
            return; // refused: nothing buffered for it
        }
        synchronized (sockets) {
            sockets.add(s);
        }
        try {
            OutputStream out = s.getOutputStream();
            out.write((head + "content-length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] start = bodyStart.getBytes(StandardCharsets.US_ASCII);
            out.write(start);
            byte[] filler = new byte[64 * 1024];
            Arrays.fill(filler, (byte) 'a');
            int left = length - 1 - start.length;
            while (left > 0) {
                int n = Math.min(left, filler.length);
                out.write(filler, 0, n);
                left -= n;
            }
            out.flush();
        } catch (IOException e) {
            // the server refused the body and closed: what the defence is meant to do
        }
    }

    @Override
    public void close() {
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            sockets.clear();
        }
    }
}
