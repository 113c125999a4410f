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
    void theKeysOfTheExchangeAreRemovedWhateverTheirShape() {
        String key = "sk-abc.DOTSECRET-part2-zzzzzz";
        String message = UpstreamErrors.clientMessage("{\"error\":{\"message\":\"bad key " + key + " for shortsecretkey_POOL2xyz\"}}",
                java.util.List.of(key, "shortsecretkey_POOL2xyz"));
        assertEquals("bad key [redacted] for [redacted]", message);
    }

    @org.junit.jupiter.api.Test
    void theReportKeepsTheUpstreamsCodesApartFromTextThatMayQuoteTheRequest() {
        io.keyrelay.keys.ErrorReport anthropic = UpstreamErrors.report("{\"type\":\"error\",\"error\":{\"type\":"
                + "\"invalid_request_error\",\"message\":\"over budget: Extra inputs are not permitted\"}}");
        assertEquals("error\ninvalid_request_error\n", anthropic.codes());
        assertEquals("over budget: extra inputs are not permitted\n", anthropic.text());
        io.keyrelay.keys.ErrorReport openAi = UpstreamErrors.report("{\"error\":{\"message\":\"Unrecognized argument\","
                + "\"type\":\"invalid_request_error\",\"param\":\"Banned\",\"code\":\"budget_exceeded\"}}");
        assertEquals("invalid_request_error\nbudget_exceeded\n", openAi.codes());
        assertEquals("unrecognized argument\nbanned\n", openAi.text());
        assertEquals(io.keyrelay.keys.ErrorReport.unstructured("<html>Over Budget</html>"), UpstreamErrors.report("<html>Over Budget</html>"));
    }

    /** A validation error that quotes the request's content blocks carries the client's own "type" values. */
    @org.junit.jupiter.api.Test
    void typeAndCodeDeeperThanTheErrorObjectAreQuotedText() {
        io.keyrelay.keys.ErrorReport quoted = UpstreamErrors.report("{\"detail\":[{\"type\":\"extra_forbidden\","
                + "\"input\":{\"type\":\"over budget\",\"code\":\"banned\"}}],"
                + "\"error\":{\"type\":\"invalid_request_error\",\"details\":{\"code\":\"blocked\"}}}");
        assertEquals("invalid_request_error\n", quoted.codes());
        assertEquals("extra_forbidden\nover budget\nbanned\nblocked\n", quoted.text());
    }

    @org.junit.jupiter.api.Test
    void onlyJsonMessagesPass() {
        assertNull(UpstreamErrors.clientMessage("<html>502 Bad Gateway nginx</html>"));
        assertEquals("too long", UpstreamErrors.clientMessage("{\"error\":{\"message\":\"too long\"}}"));
        assertFalse(UpstreamErrors.clientMessage("{\"error\":\"see https://ohmygpt.com/x for details\"}").contains("http"));
    }
}
