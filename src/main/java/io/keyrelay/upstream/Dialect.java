package io.keyrelay.upstream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The two API formats KeyRelay speaks: each has its own endpoint and its own error shapes. */
public enum Dialect {
    /** Anthropic Messages: {@code POST /v1/messages}. */
    ANTHROPIC,
    /** OpenAI Chat Completions: {@code POST /v1/chat/completions}. */
    OPENAI;

    /** The format a path implies when nothing else tells: Anthropic's under {@code /v1/messages}, OpenAI's elsewhere. */
    public static Dialect forPath(String path) {
        return path.startsWith("/v1/messages") ? ANTHROPIC : OPENAI;
    }

    /** An error body in this dialect: {@code {"type":"error","error":{...}}} or {@code {"error":{...}}}. */
    public Buffer errorBody(ErrorKind kind, String message) {
        return errorJson(kind, message).toBuffer();
    }

    /** A final Server-Sent Event that tells a streaming client the answer broke off. */
    public Buffer streamErrorEvent(ErrorKind kind, String message) {
        String json = errorJson(kind, message).encode();
        return Buffer.buffer(this == ANTHROPIC ? "event: error\ndata: " + json + "\n\n" : "data: " + json + "\n\n");
    }

    private JsonObject errorJson(ErrorKind kind, String message) {
        if (this == ANTHROPIC) {
            return new JsonObject().put("type", "error")
                    .put("error", new JsonObject().put("type", kind.anthropicType()).put("message", message));
        }
        return new JsonObject().put("error", new JsonObject()
                .put("message", message).put("type", kind.openAiType()).put("code", kind.code()));
    }
}
