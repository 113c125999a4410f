package io.keyrelay.proxy;

import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code's requests as it sends them (its headers, {@code ?beta=true}, a large body with tools), replayed
 * through KeyRelay: what reaches the upstream is the body byte for byte, the query, the protocol headers, and the
 * pool key; never the client's credentials or its own headers. {@code /context} counts tokens the same way.
 */
class ClaudeCodeShapeTest {
    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** The headers Claude Code 2.1 sends with ANTHROPIC_AUTH_TOKEN set. */
    private Map<String, String> claudeCodeHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("accept", "application/json");
        h.put("authorization", "Bearer " + relay.clientKey);
        h.put("anthropic-version", "2023-06-01");
        h.put("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");
        h.put("anthropic-dangerous-direct-browser-access", "true");
        h.put("x-app", "cli");
        h.put("user-agent", "claude-cli/2.1.0 (external, cli)");
        h.put("x-stainless-lang", "js");
        h.put("x-stainless-package-version", "0.60.0");
        h.put("x-stainless-retry-count", "0");
        h.put("x-stainless-timeout", "600");
        return h;
    }

    /** A body of Claude Code's shape: a long system prompt, about twenty tools with schemas, a conversation. */
    private static String body(boolean stream) {
        JsonArray tools = new JsonArray();
        for (int i = 0; i < 20; i++) {
            tools.add(new JsonObject().put("name", "Tool" + i).put("description", "Does thing " + i + ". ".repeat(1000))
                    .put("input_schema", new JsonObject().put("type", "object").put("$schema", "http://json-schema.org/draft-07/schema#")
                            .put("properties", new JsonObject().put("path", new JsonObject().put("type", "string")
                                    .put("description", "The absolute path")))
                            .put("required", new JsonArray().add("path")).put("additionalProperties", false)));
        }
        JsonObject body = new JsonObject().put("model", "claude-sonnet-4-5-20250929")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "<system-reminder>Ünïcödé ✓ context</system-reminder>"))
                        .add(new JsonObject().put("type", "text").put("text", "Fix the failing test")
                                .put("cache_control", new JsonObject().put("type", "ephemeral"))))))
                .put("system", new JsonArray().add(new JsonObject().put("type", "text")
                        .put("text", "You are Claude Code, Anthropic's official CLI for Claude. " + "Be concise. ".repeat(2500))))
                .put("tools", tools)
                .put("metadata", new JsonObject().put("user_id", "user_abc_account__session_123"));
        if (stream) {
            body.put("max_tokens", 32000).put("stream", true)
                    .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024));
        }
        return body.encode();
    }

    @Test
    void aClaudeCodeMessageReachesTheUpstreamAsSentWithOnlyTheProtocolHeaders() throws Exception {
        String body = body(true);
        assertTrue(body.length() > 70_000, "a body of Claude Code's size: " + body.length());

        HttpResponse<String> r = send("/v1/messages?beta=true", body);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("event: message_stop"), r.body());
        FakeUpstream.Received seen = relay.upstream.received().get(0);
        assertEquals("/primary/v1/messages", seen.path());
        assertEquals("beta=true", seen.query());
        assertEquals(body, seen.body(), "the body byte for byte");
        assertEquals(apiKeyOf("k1"), seen.apiKey());
        assertEquals("2023-06-01", seen.headers().get("anthropic-version"));
        assertEquals(claudeCodeHeaders().get("anthropic-beta"), seen.headers().get("anthropic-beta"));
        assertEquals("application/json", seen.headers().get("accept"));
        for (String own : new String[] {"x-app", "anthropic-dangerous-direct-browser-access", "x-stainless-lang", "cookie"}) {
            assertNull(seen.headers().get(own), own + " stays with KeyRelay");
        }
        assertFalse(seen.headers().toString().contains(relay.clientKey), "the client key never goes upstream");
    }

    @Test
    void contextCountsTokensWithTheSameShapeAndIsNotBilledAsAMessage() throws Exception {
        HttpResponse<String> r = send("/v1/messages/count_tokens?beta=true", body(false));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(42, new JsonObject(r.body()).getInteger("input_tokens"));
        FakeUpstream.Received seen = relay.upstream.received().get(0);
        assertEquals("/primary/v1/messages/count_tokens", seen.path());
        assertEquals("beta=true", seen.query());
        assertEquals(body(false), seen.body());
    }

    @Test
    void aWrongTokenTellsClaudeCodeNotToRetry() throws Exception {
        Map<String, String> headers = claudeCodeHeaders();
        headers.put("authorization", "Bearer kr-not-a-key");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/v1/messages?beta=true"))
                .POST(HttpRequest.BodyPublishers.ofString(body(true))).header("content-type", "application/json");
        headers.forEach((k, v) -> b.setHeader(k, v));
        HttpResponse<String> r = relay.http().send(b.build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, r.statusCode());
        assertEquals("false", r.headers().firstValue("x-should-retry").orElse(null));
        assertEquals("authentication_error", new JsonObject(r.body()).getJsonObject("error").getString("type"));
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        claudeCodeHeaders().forEach(b::setHeader);
        return relay.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
