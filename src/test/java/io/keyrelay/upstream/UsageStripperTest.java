package io.keyrelay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.transport.TestChunks;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What asking for usage added to an OpenAI chat stream is taken out, and nothing else, wherever chunks are cut. */
class UsageStripperTest {
    private static final String ASKED = ""
            + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\\"usage\\\":null\"}}],\"usage\":null}\n\n"
            + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
            + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}\n\n"
            + "data: [DONE]\n\n";
    private static final String UNASKED = ""
            + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\\"usage\\\":null\"}}]}\n\n"
            + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void theStreamTheClientGetsIsTheOneItWouldHaveGotWithoutAskingForUsage() {
        assertEquals(UNASKED, strip(ASKED, new int[] {ASKED.length()}));
    }

    @Test
    void whereverTheChunksAreCutTheResultIsTheSame() {
        Random random = new Random(42);
        byte[] bytes = ASKED.getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 500; round++) {
            int pieces = 1 + random.nextInt(12);
            int[] sizes = new int[pieces];
            int left = bytes.length;
            for (int i = 0; i < pieces - 1 && left > 1; i++) {
                sizes[i] = 1 + random.nextInt(left - 1);
                left -= sizes[i];
            }
            sizes[pieces - 1] += left;
            assertEquals(UNASKED, strip(ASKED, sizes), "round " + round);
        }
    }

    @Test
    void aUsageNullThatIsNotLastLosesItsFollowingComma() {
        String in = "data: {\"usage\":null,\"id\":\"c\",\"choices\":[]}\n\n";
        assertEquals("data: {\"id\":\"c\",\"choices\":[]}\n\n", strip(in, new int[] {in.length()}));
    }

    private static String strip(String stream, int[] sizes) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        UsageStripper stripper = new UsageStripper();
        Buffer out = Buffer.buffer();
        int at = 0;
        for (int size : sizes) {
            if (size == 0) {
                continue;
            }
            out.appendBuffer(stripper.strip(TestChunks.of(Unpooled.copiedBuffer(bytes, at, size))));
            at += size;
        }
        out.appendBuffer(stripper.finish());
        return out.toString(StandardCharsets.UTF_8);
    }
}
