package io.keyrelay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "prompt is too long: 210000 tokens > 200000 maximum       | prompt is too long: 210000 tokens > 200000 maximum",
            "messages.0.content: Input should be a valid list          | messages.0.content: Input should be a valid list",
            "model not found at relay.example.cc                       | model not found at the upstream",
            "upstream 10.2.3.4:8443 refused                            | upstream the upstream refused",
            "bad gateway at gw.internal:9000                           | bad gateway at the upstream",
            "OhMyGPT says: invalid model                               | the upstream says: invalid model",
            "invalid model. Please recharge at our billing page.       | invalid model.",
            "请求无效。余额不足，请充值后再试                              | 请求无效。",
            "bad key sk-abcdefghijklmnopqrst                           | bad key [redacted]",
    })
    void removesWhatWouldIdentifyTheUpstream(String message, String expected) {
        assertEquals(expected, UpstreamErrors.sanitize(message));
    }

    @org.junit.jupiter.api.Test
    void onlyJsonMessagesPass() {
        assertNull(UpstreamErrors.clientMessage("<html>502 Bad Gateway nginx</html>"));
        assertEquals("too long", UpstreamErrors.clientMessage("{\"error\":{\"message\":\"too long\"}}"));
        assertFalse(UpstreamErrors.clientMessage("{\"error\":\"see https://ohmygpt.com/x for details\"}").contains("http"));
    }
}
