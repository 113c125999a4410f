package io.keyrelay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReaderTest {

    private static Usage read(boolean streaming, List<String> chunks) {
        UsageReader reader = new UsageReader(streaming);
        chunks.forEach(c -> reader.feed(Buffer.buffer(c)));
        return reader.finish();
    }

    @Test
    void anthropicStreamCountsInputFromMessageStartAndTheLastRunningOutputTotal() {
        Usage u = read(true, List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"content\":[],"
                        + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":2,\"cache_creation_input_tokens\":3,"
                        + "\"output_tokens\":1,\"cache_creation\":{\"ephemeral_5m_input_tokens\":99}}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"the \\\"usage\\\": {\\\"input_tokens\\\":500}\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"usage\"}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":7}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":5}}\n\n"));
        assertEquals(new Usage(10, 7, 2, 3), u);
    }

    @Test
    void openAiStreamCountsTheFinalUsageChunkEvenWhenLinesAreSplitAcrossChunks() {
        Usage u = read(true, List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\ndata: {\"choices\":[],\"us",
                "age\":{\"prompt_tokens\":12,\"completion_tokens\":",
                "8,\"total_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n",
                "\ndata: [DONE]\n\n"));
        assertEquals(new Usage(12, 8, 0, 0), u);
    }

    @Test
    void nonStreamingAnswerIsReadFromItsLastBytes() {
        StringBuilder padding = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            padding.append("lorem ipsum ");
        }
        String body = "{\"id\":\"x\",\"content\":[{\"type\":\"text\",\"text\":\"" + padding + "\"}],"
                + "\"usage\":{\"input_tokens\":30,\"output_tokens\":40}}";
        int mid = body.length() / 2;
        assertEquals(new Usage(30, 40, 0, 0), read(false, List.of(body.substring(0, mid), body.substring(mid))));
    }

    @Test
    void answersWithoutUsageCountNothing() {
        assertEquals(Usage.NONE, read(false, List.of("{\"id\":\"x\",\"usage\":null}")));
        assertEquals(Usage.NONE, read(true, List.of("data: {\"usage\": {\"input_tokens\": 3\n\n")));
    }
}
