package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import java.util.stream.Stream;

/** A client-facing route with a request body in its format, streaming or not. */
record ProxyRoute(String path, Dialect dialect, boolean stream) {

    static Stream<ProxyRoute> all() {
        return Stream.of(
                new ProxyRoute("/v1/messages", Dialect.ANTHROPIC, false),
                new ProxyRoute("/v1/messages", Dialect.ANTHROPIC, true),
                new ProxyRoute("/chat/completions", Dialect.OPENAI, false),
                new ProxyRoute("/v1/chat/completions", Dialect.OPENAI, true));
    }

    String body() {
        if (dialect == Dialect.ANTHROPIC) {
            return "{\"model\":\"claude-sonnet-4\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + stream + "}";
        }
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + stream + "}";
    }

    @Override
    public String toString() {
        return path + (stream ? " streaming" : "");
    }
}
