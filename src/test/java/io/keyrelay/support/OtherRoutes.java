package io.keyrelay.support;

import io.keyrelay.upstream.Dialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fake upstream's answers on the routes beside messages and chat completions, shaped as Anthropic's and
 * OpenAI's are: counting tokens, the models, the Responses API (its stream too), embeddings.
 */
final class OtherRoutes {
    static final long RESPONSES_INPUT_TOKENS = 11;
    static final long RESPONSES_OUTPUT_TOKENS = 7;
    static final long EMBEDDING_TOKENS = 8;

    private OtherRoutes() {
    }

    /** The JSON answer of a route that is not messages or chat completions, or null for those two. */
    static JsonObject answer(FakeUpstream.Received r) {
        String path = r.path();
        if (path.endsWith("/v1/messages/count_tokens")) {
            return new JsonObject().put("input_tokens", 42);
        }
        if (path.contains("/v1/models/")) {
            return model(r.dialect(), path.substring(path.lastIndexOf('/') + 1));
        }
        if (path.endsWith("/v1/models")) {
            JsonArray data = new JsonArray().add(model(r.dialect(), r.dialect() == Dialect.ANTHROPIC ? "claude-fake" : "gpt-fake"));
            return r.dialect() == Dialect.ANTHROPIC
                    ? new JsonObject().put("data", data).put("has_more", false).put("first_id", "claude-fake")
                    .put("last_id", "claude-fake")
                    : new JsonObject().put("object", "list").put("data", data);
        }
        if (path.endsWith("/v1/responses")) {
            return response(FakeUpstream.answerText(r.side()), "completed");
        }
        if (path.endsWith("/v1/embeddings")) {
            return new JsonObject().put("object", "list").put("model", "text-embedding-fake")
                    .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
                            .put("embedding", new JsonArray().add(0.1).add(-0.2).add(0.3))))
                    .put("usage", new JsonObject().put("prompt_tokens", EMBEDDING_TOKENS).put("total_tokens", EMBEDDING_TOKENS));
        }
        return null;
    }

    private static JsonObject model(Dialect dialect, String id) {
        if (dialect == Dialect.ANTHROPIC) {
            return new JsonObject().put("type", "model").put("id", id).put("display_name", "Fake " + id)
                    .put("created_at", "2025-01-01T00:00:00Z");
        }
        return new JsonObject().put("id", id).put("object", "model").put("created", 1_700_000_000L).put("owned_by", "fake");
    }

    /** A Responses API response object, with usage once completed. */
    static JsonObject response(String text, String status) {
        boolean done = status.equals("completed");
        JsonObject message = new JsonObject().put("type", "message").put("id", "msg_fake").put("status", status)
                .put("role", "assistant").put("content", new JsonArray().add(new JsonObject().put("type", "output_text")
                        .put("text", done ? text : "").put("annotations", new JsonArray())));
        JsonObject response = new JsonObject().put("id", "resp_fake").put("object", "response").put("created_at", 1_700_000_000L)
                .put("status", status).put("model", "gpt-fake").put("output", done ? new JsonArray().add(message) : new JsonArray())
                .put("parallel_tool_calls", true).put("tool_choice", "auto").put("tools", new JsonArray())
                .putNull("error").putNull("incomplete_details").putNull("instructions").putNull("metadata")
                .putNull("temperature").putNull("top_p");
        if (done) {
            response.put("usage", new JsonObject().put("input_tokens", RESPONSES_INPUT_TOKENS)
                    .put("input_tokens_details", new JsonObject().put("cached_tokens", 0))
                    .put("output_tokens", RESPONSES_OUTPUT_TOKENS)
                    .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
                    .put("total_tokens", RESPONSES_INPUT_TOKENS + RESPONSES_OUTPUT_TOKENS));
        } else {
            response.putNull("usage");
        }
        return response;
    }

    /** A Responses API stream: created, the text in deltas, completed with usage. */
    static List<Buffer> responseEvents(String text, int chunks) {
        List<Buffer> out = new ArrayList<>();
        int seq = 0;
        out.add(event("response.created", new JsonObject().put("type", "response.created").put("sequence_number", seq++)
                .put("response", response(text, "in_progress"))));
        for (int i = 0; i < chunks; i++) {
            out.add(event("response.output_text.delta", new JsonObject().put("type", "response.output_text.delta")
                    .put("sequence_number", seq++).put("item_id", "msg_fake").put("output_index", 0).put("content_index", 0)
                    .put("delta", i == 0 ? text : " " + i)));
        }
        out.add(event("response.completed", new JsonObject().put("type", "response.completed").put("sequence_number", seq)
                .put("response", response(text, "completed"))));
        return out;
    }

    private static Buffer event(String name, JsonObject json) {
        return Buffer.buffer("event: " + name + "\ndata: " + json.encode() + "\n\n");
    }
}
