package io.keyrelay.proxy;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.RelayFixture;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Anthropic and OpenAI Java SDKs, unmodified but for base URL and key, work through KeyRelay. */
class OfficialSdkTest {
    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
        relay.addKey("k1", true);
        // the first request of each test meets a spent key: the SDK never notices
        relay.upstream.on(key(apiKeyOf("k1")).and(io.keyrelay.support.FakeUpstream.side(io.keyrelay.support.FakeUpstream.Side.PRIMARY)),
                1, status(402, "{\"error\":{\"message\":\"insufficient balance\"}}"));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().apiKey(relay.clientKey).baseUrl(relay.baseUrl()).maxRetries(0).build();
    }

    private OpenAIClient openai() {
        return OpenAIOkHttpClient.builder().apiKey(relay.clientKey).baseUrl(relay.baseUrl() + "/v1").maxRetries(0).build();
    }

    private static MessageCreateParams messageParams() {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64).addUserMessage("hi").build();
    }

    private static ChatCompletionCreateParams completionParams() {
        return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build();
    }

    @Test
    void anthropicSdkGetsAWholeMessage() {
        Message message = anthropic().messages().create(messageParams());

        assertEquals("Hello from failover", message.content().get(0).text().orElseThrow().text());
        assertEquals(10, message.usage().inputTokens());
        assertEquals(KeyStatus.USING_FAILOVER, relay.services().pool().get("k1").orElseThrow().status());
    }

    @Test
    void anthropicSdkStreamsAMessage() {
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(messageParams())) {
            String text = stream.stream()
                    .flatMap(e -> e.contentBlockDelta().stream())
                    .flatMap(d -> d.delta().text().stream())
                    .map(t -> t.text())
                    .collect(Collectors.joining());
            assertTrue(text.startsWith("Hello from failover"), text);
        }
    }

    @Test
    void openAiSdkGetsAWholeCompletion() {
        ChatCompletion completion = openai().chat().completions().create(completionParams());

        assertEquals("Hello from failover", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(15, completion.usage().orElseThrow().totalTokens());
    }

    @Test
    void openAiSdkStreamsACompletion() {
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = openai().chat().completions().createStreaming(completionParams())) {
            String text = stream.stream()
                    .flatMap(c -> c.choices().stream())
                    .flatMap(c -> c.delta().content().stream())
                    .collect(Collectors.joining());
            assertTrue(text.startsWith("Hello from failover"), text);
        }
    }

    @Test
    void sdkErrorsCarryTheClientsOwnFormat() {
        AnthropicClient wrongKey = AnthropicOkHttpClient.builder().apiKey("kr-wrong").baseUrl(relay.baseUrl()).maxRetries(0).build();
        com.anthropic.errors.UnauthorizedException e = org.junit.jupiter.api.Assertions.assertThrows(
                com.anthropic.errors.UnauthorizedException.class, () -> wrongKey.messages().create(messageParams()));
        assertEquals(401, e.statusCode());

        OpenAIClient wrongOpenAi = OpenAIOkHttpClient.builder().apiKey("kr-wrong").baseUrl(relay.baseUrl() + "/v1").maxRetries(0).build();
        com.openai.errors.UnauthorizedException o = org.junit.jupiter.api.Assertions.assertThrows(
                com.openai.errors.UnauthorizedException.class, () -> wrongOpenAi.chat().completions().create(completionParams()));
        assertEquals(401, o.statusCode());
    }
}
