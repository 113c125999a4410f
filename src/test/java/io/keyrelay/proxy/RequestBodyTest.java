package io.keyrelay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    private static RequestBody check(String json) {
        return RequestBody.check(Buffer.buffer(json));
    }

    @Test
    void topLevelStreamTrueMakesAStreamingRequest() {
        assertEquals(RequestBody.STREAMING, check("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"));
        assertEquals(RequestBody.STREAMING, check(" { \"stream\" : true } "));
    }

    @Test
    void anythingButATopLevelTrueIsNotStreaming() {
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":false}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":\"true\"}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"metadata\":{\"stream\":true}}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":true,\"stream\":false}"), "the last one wins");
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":{\"a\":true}}"));
    }

    @Test
    void malformedOrNonObjectBodiesAreInvalid() {
        for (String bad : new String[]{"", "[]", "\"x\"", "42", "{", "{\"a\":}", "{\"a\":1}}", "{\"a\":1} x",
                "{\"a\":\"\\q\"}", "{'a':1}", "{\"a\":[1,2}", "{\"a\":tru}", "{\"a\":1,}"}) {
            assertEquals(RequestBody.INVALID, check(bad), bad);
        }
    }
}
