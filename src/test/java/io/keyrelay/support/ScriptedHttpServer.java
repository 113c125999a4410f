package io.keyrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-socket HTTP/1.1 server whose every connection follows a script, for what a framework server will not do
 * on purpose: closing a keep-alive connection just as a request arrives on it, say. Each request gets a small JSON
 * answer with Content-Length, unless the script says otherwise.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    /** What to do with request {@code request} (from 0) on connection {@code connection} (from 0). */
    public enum Action {
        ANSWER,
        ANSWER_AND_CLOSE,
        CLOSE_WITHOUT_ANSWER,
        /** Waits 1.5 s, as an upstream at work on the request would, then closes without answering. */
        CLOSE_WITHOUT_ANSWER_LATER,
        /** 100 Continue and 103 Early Hints heads before the answer. */
        ANSWER_AFTER_INFORMATIONAL,
        /** The answer, then bytes beyond its Content-Length. */
        ANSWER_WITH_EXTRA_BYTES
    }

    public interface Script {
        Action on(int connection, int request);
    }

    public static final String ANSWER = "{\"id\":\"msg_scripted\",\"type\":\"message\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"Hello from the script\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}";

    private final ServerSocket socket;
    private final Script script;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<byte[]> requests = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    public ScriptedHttpServer(Script script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Every request received so far, head and body, byte for byte as it arrived. */
    public List<byte[]> requests() {
        return List.copyOf(requests);
    }

    /** Connections the client closed (end of stream while waiting for a request). */
    public int closedByPeer() {
        return closedByPeer.get();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = socket.accept();
                int index = accepted.getAndIncrement();
                open.add(s);
                Thread t = new Thread(() -> serve(s, index), "scripted-http-" + index);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int request = 0; ; request++) {
                byte[] received = readRequest(in);
                if (received == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                requests.add(received);
                Action action = script.on(connection, request);
                if (action == Action.CLOSE_WITHOUT_ANSWER) {
                    return;
                }
                if (action == Action.CLOSE_WITHOUT_ANSWER_LATER) {
                    Thread.sleep(1_500);
                    return;
                }
                if (action == Action.ANSWER_AFTER_INFORMATIONAL) {
                    out.write(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload"
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length
                        + (action == Action.ANSWER_AND_CLOSE ? "\r\nconnection: close" : "") + "\r\n\r\n";
                ByteArrayOutputStream answer = new ByteArrayOutputStream(); // one write: one segment on loopback
                answer.write(head.getBytes(StandardCharsets.US_ASCII));
                answer.write(body);
                if (action == Action.ANSWER_WITH_EXTRA_BYTES) {
                    answer.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write(answer.toByteArray());
                out.flush();
                if (action == Action.ANSWER_AND_CLOSE) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server closed
        } finally {
            open.remove(s);
        }
    }

    /** Reads one request (head and Content-Length body); null at end of stream before a request. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        head.write(in.readNBytes(length));
        return head.toByteArray();
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
