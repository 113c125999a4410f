package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {
    private final FailureClassifier classifier =
            new FailureClassifier(Config.DEFAULT_QUOTA_KEYWORDS, Config.DEFAULT_BLOCK_KEYWORDS);

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "200 | {}                                                   | SUCCESS",
            "201 | ''                                                   | SUCCESS",
            "402 | {\"error\":\"insufficient balance\"}                 | QUOTA",
            "400 | {\"error\":{\"code\":\"ExceededBudget\"}}            | QUOTA",
            "400 | {\"error\":{\"type\":\"budget_exceeded\"}}           | QUOTA",
            "400 | Key is OVER BUDGET                                   | QUOTA",
            "429 | {\"error\":\"your key was Banned\"}                  | PERMANENT_BLOCK",
            "429 | account blocked                                      | PERMANENT_BLOCK",
            "429 | account suspended                                    | PERMANENT_BLOCK",
            "429 | key disabled                                         | PERMANENT_BLOCK",
            "429 | {\"error\":\"rate limit reached\"}                   | RATE_LIMIT",
            "429 | ''                                                   | RATE_LIMIT",
            "401 | invalid key                                          | CREDENTIAL",
            "403 | forbidden                                            | CREDENTIAL",
            "400 | {\"error\":\"prompt is too long: 300000 tokens\"}    | CLIENT_ERROR",
            "404 | model not found                                      | CLIENT_ERROR",
            "422 | ''                                                   | CLIENT_ERROR",
            "500 | internal                                             | TRANSIENT",
            "502 | bad gateway                                          | TRANSIENT",
            "529 | overloaded                                           | TRANSIENT",
    })
    void classifiesUpstreamAnswersAsTheSpecTableSays(int status, String body, FailureClass expected) {
        assertEquals(expected, classifier.classify(status, body));
    }

    @Test
    void keywordListsAreConfigurable() {
        FailureClassifier custom = new FailureClassifier(java.util.List.of("no credit"), java.util.List.of("terminated"));
        assertEquals(FailureClass.QUOTA, custom.classify(400, "No Credit left"));
        assertEquals(FailureClass.CLIENT_ERROR, custom.classify(400, "ExceededBudget"));
        assertEquals(FailureClass.PERMANENT_BLOCK, custom.classify(429, "account TERMINATED"));
        assertEquals(FailureClass.RATE_LIMIT, custom.classify(429, "banned"));
    }
}
