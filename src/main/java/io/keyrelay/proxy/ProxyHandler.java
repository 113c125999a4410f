package io.keyrelay.proxy;

import io.keyrelay.clients.Authentication;
import io.keyrelay.clients.ClientKey;
import io.keyrelay.edge.BodyBudget;
import io.keyrelay.edge.BodyEncodings;
import io.keyrelay.edge.EarlyAnswers;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.UsageRequests;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client-facing proxy routes of {@link ClientRoute}. Checks the client key, reads and validates the body (of the
 * routes that have one), then hands the request to a {@link ProxyExchange}. Nothing invalid ever reaches the
 * upstream. A request refused before its body was read closes its connection, so the body is never read at all.
 */
public final class ProxyHandler {
    private static final Buffer NO_BODY = Buffer.buffer();

    private final ProxyContext context;
    private final BodyBudget budget;
    private final Admission admission;

    /** Call on the event loop it serves. */
    public ProxyHandler(Vertx vertx, ProxyServices services) {
        this.context = new ProxyContext(vertx, services);
        this.budget = services.bodyBudget();
        this.admission = new Admission(context, ProxyHandler::presentedKey);
    }

    /** Closes this event loop's idle upstream connections; call on its event loop once the server has stopped. */
    public void close() {
        context.upstream.close();
    }

    public void handle(HttpServerRequest req, ClientRoute route) {
        Authentication auth = context.clientKeys.authenticate(presentedKey(req));
        Dialect dialect = route.dialect(req);
        RequestTrace trace = new RequestTrace(route, context.now());
        ClientRequest request = new ClientRequest(req, route, dialect, ClientRequest.keyOf(auth), trace,
                auth instanceof Authentication.Accepted);
        // counted when it ends; replaced by one that also gives the body back, and then by the exchange's
        req.response().endHandler(v -> request.endedEarly(context));
        if (Admission.refuse(request, auth)) {
            return;
        }
        ClientKey key = request.clientKey(); // admitted, or waiting for its shared limit (see Admission)
        if (!route.hasBody()) {
            if (route == ClientRoute.MODEL) {
                trace.model(req.path().substring(ClientRoute.MODEL_PREFIX.length()));
                if (!context.clientKeys.allowsModel(key, trace.model())) {
                    modelNotAllowed(request);
                    return;
                }
            }
            admission.then(request, auth, admitted -> new ProxyExchange(context, admitted, NO_BODY, false, () -> { }).start());
            return;
        }
        if (!isJson(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
            Responses.beforeBody(request, 415, ErrorKind.INVALID_REQUEST, "Content-Type must be application/json");
            return;
        }
        String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !BodyEncodings.supported(encoding)) {
            Responses.beforeBody(request, 415, ErrorKind.INVALID_REQUEST,
                    "Content-Encoding must be gzip, deflate or br, if any");
            return;
        }
        long declared = contentLength(req);
        if (declared > context.maxBodyBytes || declared > budget.limit()) {
            Responses.beforeBody(request, 413, ErrorKind.TOO_LARGE, "The request body is too large");
            return;
        }
        if (declared > 0 && !budget.wouldFit(declared)) {
            Responses.bodyBudgetFull(request);
            return;
        }
        BodyReader body = new BodyReader(request, context.maxBodyBytes, budget, (bytes, release) -> onBody(request, auth, bytes, release));
        req.response().endHandler(v -> {
            body.release();
            request.endedEarly(context);
        });
        req.handler(body);
        req.endHandler(v -> body.end());
        req.exceptionHandler(err -> req.response().reset());
    }

    private void onBody(ClientRequest request, Authentication auth, Buffer body, Runnable releaseBody) {
        RequestBody kind = RequestBody.check(body, request.trace());
        if (kind == RequestBody.INVALID) {
            Responses.error(request, 400, ErrorKind.INVALID_REQUEST, "The request body must be a JSON object");
            return;
        }
        if (!context.clientKeys.allowsModel(request.clientKey(), request.trace().model())) {
            modelNotAllowed(request);
            return;
        }
        // an OpenAI chat stream whose client did not ask for usage is asked for it, and the client does not see it
        boolean stripUsage = kind == RequestBody.STREAMING && request.route().reportsUsageOnlyWhenAsked();
        Buffer sent = stripUsage ? UsageRequests.askForUsage(body) : body;
        request.trace().stream(kind != RequestBody.NOT_STREAMING);
        admission.then(request, auth, admitted -> new ProxyExchange(context, admitted, sent, stripUsage, releaseBody).start());
    }

    /** 403: the client key may not use the model the request names (or names none). */
    private static void modelNotAllowed(ClientRequest request) {
        String model = request.trace().model();
        Responses.error(request, 403, ErrorKind.PERMISSION, model == null
                ? "This API key may only use certain models, and the request names none"
                : "This API key may not use the model " + model);
    }

    /** A path of the table asked with another method: 405 with {@code Allow}, in the path's format. */
    public static void wrongMethod(HttpServerRequest req, ClientRoute.WrongMethod wrong) {
        EarlyAnswers.closeIfBodyPending(req);
        req.response().putHeader(HttpHeaders.ALLOW, String.join(", ", wrong.allowed().stream().map(m -> m.name()).toList()));
        Responses.error(req.response(), wrong.dialect(), 405, ErrorKind.METHOD_NOT_ALLOWED, req.method() + " is not allowed on " + req.path());
    }

    /** A path nothing serves: 404 as JSON in the format the path implies. */
    public static void notFound(HttpServerRequest req) {
        EarlyAnswers.closeIfBodyPending(req);
        Responses.error(req.response(), Dialect.forPath(req.path()), 404, ErrorKind.NOT_FOUND, "Not found: " + req.path());
    }

    /** A 408 for a body that arrived too slowly (the connection is closed after it). */
    public static void refuseSlowBody(HttpServerRequest req, Dialect dialect) {
        Responses.error(req.response(), dialect, 408, ErrorKind.REQUEST_TIMEOUT, "The request body arrived too slowly");
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
        return ForwardedHeaders.clientApiKey(req.headers());
    }
}
