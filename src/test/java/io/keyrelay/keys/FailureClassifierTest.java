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
        assertEquals(expected, classifier.classify(status, ErrorReport.unstructured(body), RequestText.NONE));
    }

    @Test
    void keywordListsAreConfigurable() {
        FailureClassifier custom = new FailureClassifier(java.util.List.of("no credit"), java.util.List.of("terminated"));
        assertEquals(FailureClass.QUOTA, custom.classify(400, ErrorReport.unstructured("No Credit left"), RequestText.NONE));
        assertEquals(FailureClass.CLIENT_ERROR, custom.classify(400, ErrorReport.unstructured("ExceededBudget"), RequestText.NONE));
        assertEquals(FailureClass.PERMANENT_BLOCK, custom.classify(429, ErrorReport.unstructured("account TERMINATED"), RequestText.NONE));
        assertEquals(FailureClass.RATE_LIMIT, custom.classify(429, ErrorReport.unstructured("banned"), RequestText.NONE));
    }

    @Test
    void aKeywordTheRequestHoldsCountsOnlyInTheUpstreamsOwnCodes() {
        RequestText echoing = word -> word.equals("over budget") || word.equals("banned");
        assertEquals(FailureClass.CLIENT_ERROR, classifier.classify(400,
                new ErrorReport("invalid_request_error", "over budget: Extra inputs are not permitted"), echoing));
        assertEquals(FailureClass.RATE_LIMIT, classifier.classify(429,
                new ErrorReport("rate_limit_error", "model banned-model is busy"), echoing));
        assertEquals(FailureClass.QUOTA, classifier.classify(400,
                new ErrorReport("budget_exceeded", "over budget"), echoing), "the code is the upstream's own");
        assertEquals(FailureClass.QUOTA, classifier.classify(400,
                new ErrorReport("invalid_request_error", "ExceededBudget: key spent"), echoing),
                "a word the request does not hold still counts in the text");
    }
}
