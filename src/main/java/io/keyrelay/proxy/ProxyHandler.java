package io.keyrelay.proxy;

import io.keyrelay.clients.Authentication;
import io.keyrelay.edge.BodyBudget;
import io.keyrelay.edge.EarlyAnswers;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client-facing proxy routes: {@code POST /v1/messages} (Anthropic) and {@code POST /v1/chat/completions},
 * {@code POST /chat/completions} (OpenAI). Checks the client key, reads and validates the body, then hands the
 * request to a {@link ProxyExchange}. Nothing invalid ever reaches the upstream. Bodies count against the
 * {@link BodyBudget} while they are held; a request refused before its body was read closes its connection, so the
 * body is never read at all.
 */
public final class ProxyHandler {
    private final ProxyContext context;
    private final BodyBudget budget;

    /** Call on the event loop it serves. */
    public ProxyHandler(Vertx vertx, ProxyServices services) {
        this.context = new ProxyContext(vertx, services);
        this.budget = services.bodyBudget();
    }

    /** Closes this event loop's idle upstream connections; call on its event loop once the server has stopped. */
    public void close() {
        context.upstream.close();
    }

    /** The dialect of a proxy route, or null when the request is not for the proxy. */
    public static Dialect route(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            return null;
        }
        return switch (req.path()) {
            case "/v1/messages" -> Dialect.ANTHROPIC;
            case "/v1/chat/completions", "/chat/completions" -> Dialect.OPENAI;
            default -> null;
        };
    }

    public void handle(HttpServerRequest req, Dialect dialect) {
        // counted when it ends; replaced below by a handler that also gives the body back, and then by the exchange's
        req.response().endHandler(v -> context.observer.requestEnded(req, null, null));
        Authentication auth = context.clientKeys.authenticate(presentedKey(req));
        if (auth instanceof Authentication.Rejected r) {
            refuseBeforeBody(req, dialect, ErrorKind.AUTHENTICATION.status(), ErrorKind.AUTHENTICATION, r.message());
            return;
        }
        if (auth instanceof Authentication.Limited l) {
            req.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, l.retryAfter().toSeconds())));
            refuseBeforeBody(req, dialect, 429, ErrorKind.RATE_LIMITED, "Rate limit exceeded for this API key");
            return;
        }
        String clientKeyId = ((Authentication.Accepted) auth).key().id();
        if (!isJson(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
            refuseBeforeBody(req, dialect, 415, ErrorKind.INVALID_REQUEST, "Content-Type must be application/json");
            return;
        }
        long declared = contentLength(req);
        if (declared > context.maxBodyBytes || declared > budget.limit()) {
            refuseBeforeBody(req, dialect, 413, ErrorKind.TOO_LARGE, "The request body is too large");
            return;
        }
        if (declared > 0 && !budget.wouldFit(declared)) {
            busy(req, dialect);
            return;
        }
        BodyReader body = new BodyReader(req, dialect, clientKeyId);
        req.response().endHandler(v -> {
            body.release();
            context.observer.requestEnded(req, null, null);
        });
        req.handler(body);
        req.endHandler(v -> body.end());
        req.exceptionHandler(err -> req.response().reset());
    }

    /** A 408 for a body that arrived too slowly (the connection is closed after it). */
    public static void refuseSlowBody(HttpServerRequest req, Dialect dialect) {
        Responses.error(req.response(), dialect, 408, ErrorKind.REQUEST_TIMEOUT, "The request body arrived too slowly");
    }

    /**
     * Collects the request body. A body that arrives in one chunk (the usual case) is kept as that chunk, not
     * copied; a larger one is gathered into one buffer, up to the size limit. Every byte is taken from the budget as
     * it arrives, and given back once ({@link #release()}) when the request is over.
     */
    private final class BodyReader implements io.vertx.core.Handler<Buffer> {
        private final HttpServerRequest req;
        private final Dialect dialect;
        private final String clientKeyId;
        private Buffer first;
        private Buffer gathered;
        private long length;
        private long held;
        private boolean rejected;

        BodyReader(HttpServerRequest req, Dialect dialect, String clientKeyId) {
            this.req = req;
            this.dialect = dialect;
            this.clientKeyId = clientKeyId;
        }

        @Override
        public void handle(Buffer chunk) {
            if (rejected || req.response().ended()) {
                return;
            }
            length += chunk.length();
            if (length > context.maxBodyBytes) {
                reject();
                refuseBeforeBody(req, dialect, 413, ErrorKind.TOO_LARGE, "The request body is too large");
                return;
            }
            if (!budget.take(chunk.length())) {
                reject();
                busy(req, dialect);
                return;
            }
            held += chunk.length();
            if (first == null) {
                first = chunk;
            } else {
                if (gathered == null) {
                    gathered = Buffer.buffer((int) Math.min(context.maxBodyBytes, Math.max(4096, 2 * length)));
                    gathered.appendBuffer(first);
                }
                gathered.appendBuffer(chunk);
            }
        }

        void end() {
            if (!rejected && !req.response().ended()) {
                Buffer body = gathered != null ? gathered : first != null ? first : Buffer.buffer();
                onBody(req, dialect, clientKeyId, body, this::release);
            }
        }

        private void reject() {
            rejected = true;
            first = null;
            gathered = null;
        }

        /** Gives the body's bytes back to the budget; once, however the request ends. */
        void release() {
            if (held > 0) {
                budget.giveBack(held);
                held = 0;
            }
        }
    }

    private void onBody(HttpServerRequest req, Dialect dialect, String clientKeyId, Buffer body, Runnable releaseBody) {
        RequestBody kind = RequestBody.check(body);
        if (kind == RequestBody.INVALID) {
            Responses.error(req.response(), dialect, ErrorKind.INVALID_REQUEST,
                    "The request body must be a JSON object");
            return;
        }
        new ProxyExchange(context, req, dialect, body, kind == RequestBody.STREAMING, clientKeyId, releaseBody).start();
    }

    /** Bodies being received fill the budget: a fast 503, before this one is read. */
    private void busy(HttpServerRequest req, Dialect dialect) {
        req.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        refuseBeforeBody(req, dialect, 503, ErrorKind.NO_KEY_AVAILABLE,
                "KeyRelay is receiving too many request bodies at once; retry shortly");
    }

    /** An error answered while the body may still be on its way: the connection closes, so the body is not read. */
    private static void refuseBeforeBody(HttpServerRequest req, Dialect dialect, int status, ErrorKind kind, String message) {
        EarlyAnswers.closeIfBodyPending(req);
        Responses.error(req.response(), dialect, status, kind, message);
    }

    /** JSON, or no type at all (raw HTTP clients); both APIs take nothing else. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/json") || type.regionMatches(true, type.length() - 5, "+json", 0, 5);
    }

    private static long contentLength(HttpServerRequest req) {
        String v = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The client key the request presents, as a bearer token or in {@code x-api-key}; null when none. */
    static String presentedKey(HttpServerRequest req) {
        String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return io.keyrelay.upstream.ForwardedHeaders.clientApiKey(req.headers());
    }
}
