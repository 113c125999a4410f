package io.keyrelay.proxy;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.keyrelay.support.RelayFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes beside chat, through the official Java SDKs, unmodified but for base URL and key: counting tokens and
 * the models (Anthropic), the Responses API streaming and not, the models and embeddings (OpenAI); and a wrong
 * client key, which the SDKs give up on at once, with their default retries, because KeyRelay says not to retry.
 */
class OfficialSdkRoutesTest {
    private static final Pattern UNAUTHORIZED = Pattern.compile(
            "keyrelay_requests_total\\{endpoint=\"none\",route=\"(/v1/[a-z_/]+)\",status=\"401\",?\\} (\\d+)");

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms"));
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private AnthropicClient anthropic(String key) {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(relay.baseUrl()).build();
    }

    private OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(relay.baseUrl() + "/v1").build();
    }

    @Test
    void anthropicSdkCountsTokensAndListsModels() {
        AnthropicClient client = anthropic(relay.clientKey);
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                .addUserMessage("hi").build()).inputTokens();
        assertEquals(42, tokens);
        List<String> ids = client.models().list().data().stream().map(m -> m.id()).toList();
        assertEquals(List.of("claude-fake"), ids);
        assertTrue(relay.upstream.received().get(1).headers().get("anthropic-version") != null, "Anthropic's format");
    }

    @Test
    void openAiSdkUsesTheResponsesApiStreamingAndNot() {
        OpenAIClient client = openai(relay.clientKey);
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o").input("hi").build();

        Response response = client.responses().create(params);
        assertEquals("resp_fake", response.id());
        assertEquals(18, response.usage().orElseThrow().totalTokens());
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            List<ResponseStreamEvent> events = stream.stream().toList();
            assertTrue(events.get(events.size() - 1).isCompleted(), events.toString());
            String text = events.stream().flatMap(e -> e.outputTextDelta().stream()).map(d -> d.delta())
                    .reduce("", String::concat);
            assertTrue(text.startsWith("Hello from primary"), text);
        }
        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().tokensUsed() == 36, "both responses counted");
    }

    @Test
    void openAiSdkListsModelsAndCreatesEmbeddings() {
        OpenAIClient client = openai(relay.clientKey);
        assertEquals(List.of("gpt-fake"), client.models().list().data().stream().map(m -> m.id()).toList());
        List<Float> vector = client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
                .input("hi").build()).data().get(0).embedding();
        assertEquals(3, vector.size());
    }

    @Test
    void aWrongClientKeyIsNotRetriedBySdksWithTheirDefaultRetries() {
        assertThrows(com.anthropic.errors.UnauthorizedException.class, () -> anthropic("kr-wrong").messages().create(
                MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(8).addUserMessage("hi").build()));
        assertThrows(com.anthropic.errors.UnauthorizedException.class, () -> anthropic("kr-wrong").messages().countTokens(
                MessageCountTokensParams.builder().model("claude-sonnet-4-5").addUserMessage("hi").build()));
        assertThrows(com.openai.errors.UnauthorizedException.class, () -> openai("kr-wrong").responses().create(
                ResponseCreateParams.builder().model("gpt-4o").input("hi").build()));

        Map<String, Integer> attempts = new java.util.HashMap<>();
        Matcher m = UNAUTHORIZED.matcher(relay.services().operations().metrics().scrape());
        while (m.find()) {
            attempts.put(m.group(1), (int) Double.parseDouble(m.group(2)));
        }
        assertEquals(Map.of("/v1/messages", 1, "/v1/messages/count_tokens", 1, "/v1/responses", 1), attempts,
                "one attempt each: the SDKs did not retry");
        assertEquals(0, relay.upstream.received().size());
    }
}
