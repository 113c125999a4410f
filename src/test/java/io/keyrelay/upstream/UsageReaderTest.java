package io.keyrelay.upstream;

import io.keyrelay.transport.TestChunks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReaderTest {

    private static Usage read(boolean streaming, List<String> chunks) {
        UsageReader reader = new UsageReader(streaming, new UsageReader.Scratch());
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
    void nonStreamingAnswerInDirectBuffersOfAnySizeIsReadFromItsLastBytes() {
        String body = "{\"id\":\"x\",\"text\":\"" + "lorem ipsum ".repeat(8000) + "\","
                + "\"usage\":{\"input_tokens\":31,\"output_tokens\":41}}";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int size : new int[] {1, 7, 1000, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 40_000, bytes.length}) {
            UsageReader reader = new UsageReader(false, new UsageReader.Scratch());
            for (int at = 0; at < bytes.length; at += size) {
                io.netty.buffer.ByteBuf chunk = io.netty.buffer.Unpooled.directBuffer(size + 8);
                chunk.writeBytes(new byte[] {'p', 'a', 'd'}).readerIndex(3); // a view that does not start at 0
                chunk.writeBytes(bytes, at, Math.min(size, bytes.length - at));
                if (at + size >= bytes.length) {
                    reader.feedLast(TestChunks.of(chunk)); // the final piece, as the relay gives it
                } else {
                    reader.feed(TestChunks.of(chunk));
                }
                chunk.release();
            }
            assertEquals(new Usage(31, 41, 0, 0), reader.finish(), "chunks of " + size + " bytes");
        }
    }

    @Test
    void streamsSharingOneScratchArrayInDirectBuffersEachCountTheirOwnUsage() {
        String anthropic = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                + "{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                + "event: content_block_delta\ndata: {\"delta\":{\"text\":\"" + "x".repeat(5000) + "\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":7}}\n\n";
        String openAi = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8}}\n\ndata: [DONE]\n\n";
        for (int size : new int[] {1, 5, 64, 333, 3000, 6000}) {
            UsageReader.Scratch scratch = new UsageReader.Scratch();
            UsageReader a = new UsageReader(true, scratch);
            UsageReader b = new UsageReader(true, scratch);
            byte[] first = anthropic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] second = openAi.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            // the two streams' chunks alternate, each line cut wherever the chunk size falls
            for (int at = 0; at < Math.max(first.length, second.length); at += size) {
                feedDirect(a, first, at, size);
                feedDirect(b, second, at, size);
            }
            assertEquals(new Usage(10, 7, 0, 0), a.finish(), "chunks of " + size + " bytes");
            assertEquals(new Usage(12, 8, 0, 0), b.finish(), "chunks of " + size + " bytes");
        }
    }

    private static void feedDirect(UsageReader reader, byte[] bytes, int at, int size) {
        if (at >= bytes.length) {
            return;
        }
        io.netty.buffer.ByteBuf chunk = io.netty.buffer.Unpooled.directBuffer(size);
        chunk.writeBytes(bytes, at, Math.min(size, bytes.length - at));
        reader.feed(TestChunks.of(chunk));
        chunk.release();
    }

    @Test
    void aWholeAnswerInItsFinalPieceIsReadThereWhateverTheScratchHeldBefore() {
        UsageReader.Scratch scratch = new UsageReader.Scratch();
        UsageReader other = new UsageReader(true, scratch);
        feedDirect(other, "data: {\"usage\":{\"input_tokens\":999}}\n\n".repeat(100).getBytes(), 0, 4000);
        for (String body : List.of("{\"id\":\"a\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}",
                "{\"usage\":{\"input_tokens\":3,\"output_tokens\":4},\"text\":\"" + "y".repeat(20_000) + "\"}",
                "{\"x\":\"" + "z".repeat(20_000) + "\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}")) {
            UsageReader reader = new UsageReader(false, scratch);
            io.netty.buffer.ByteBuf whole = io.netty.buffer.Unpooled.directBuffer();
            whole.writeBytes(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            reader.feedLast(TestChunks.of(whole));
            whole.release();
            // usage beyond the last 16 KiB of a long answer is not read, as before
            Usage expected = body.length() > 16 * 1024 && body.startsWith("{\"usage\"") ? Usage.NONE : new Usage(3, 4, 0, 0);
            assertEquals(expected, reader.finish(), body.substring(0, 20));
        }
        UsageReader heap = new UsageReader(false, scratch);
        heap.feedLast(TestChunks.of(io.netty.buffer.Unpooled.wrappedBuffer("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}".getBytes())));
        assertEquals(new Usage(5, 6, 0, 0), heap.finish());
    }

    @Test
    void answersWithoutUsageCountNothing() {
        assertEquals(Usage.NONE, read(false, List.of("{\"id\":\"x\",\"usage\":null}")));
        assertEquals(Usage.NONE, read(true, List.of("data: {\"usage\": {\"input_tokens\": 3\n\n")));
    }

    @Test
    void streamsCutAtRandomPointsCountWhatTheyReport() {
        java.util.Random random = new java.util.Random(20261126);
        for (int stream = 0; stream < 300; stream++) {
            boolean anthropic = stream % 2 == 0;
            long input = random.nextInt(100_000);
            long output = random.nextInt(10_000);
            long cacheRead = anthropic ? random.nextInt(1000) : 0;
            long cacheWrite = anthropic ? random.nextInt(1000) : 0;
            StringBuilder sse = new StringBuilder();
            if (anthropic) {
                sse.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":")
                        .append("{\"input_tokens\":").append(input).append(",\"cache_read_input_tokens\":").append(cacheRead)
                        .append(",\"cache_creation_input_tokens\":").append(cacheWrite).append(",\"output_tokens\":1}}}\n\n");
            }
            for (int delta = random.nextInt(40); delta > 0; delta--) {
                String text = switch (random.nextInt(4)) {
                    case 0 -> "usage";
                    case 1 -> "the \\\"usage\\\": {\\\"input_tokens\\\":500}";
                    default -> "x".repeat(random.nextInt(300));
                };
                sse.append(anthropic
                        ? "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"" + text + "\"}}\n\n"
                        : "data: {\"choices\":[{\"delta\":{\"content\":\"" + text + "\"}}],\"usage\":null}\n\n");
            }
            sse.append(anthropic
                    ? "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":" + output + "}}\n\n"
                            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
                    : "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output
                            + "}}\n\ndata: [DONE]\n\n");
            byte[] bytes = sse.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            UsageReader reader = new UsageReader(true, new UsageReader.Scratch());
            // cut wherever the random sizes fall, in heap and direct buffers by turns
            for (int at = 0; at < bytes.length; ) {
                int size = 1 + random.nextInt(random.nextBoolean() ? 8 : 400);
                if (random.nextBoolean()) {
                    feedDirect(reader, bytes, at, size);
                } else {
                    reader.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size))));
                }
                at += size;
            }
            assertEquals(new Usage(input, output, cacheRead, cacheWrite), reader.finish(), "stream " + stream + ":\n" + sse);
        }
    }
}
