package io.keyrelay.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class (junit-platform.properties orders classes by {@link Order}) and reads the log
 * the whole suite wrote, child processes included: no line may hold a whole API key or client key. Test keys all
 * start with {@code sk-} or {@code kr-}; their masked form (8 characters, an ellipsis, 4) never matches.
 */
@Order(Integer.MAX_VALUE)
class LogHygieneTest {
    private static final Path LOG = Path.of("target/test-logs/keyrelay-tests.log");
    private static final Pattern WHOLE_KEY = Pattern.compile("(?<![A-Za-z0-9])(sk-[A-Za-z0-9_-]{12,}|kr-[A-Za-z0-9]{20,})");

    @Test
    void noLogLineWrittenDuringTheSuiteHoldsAWholeKey() throws IOException {
        assertTrue(Files.exists(LOG), "the suite writes its log to " + LOG);
        List<String> leaks = new ArrayList<>();
        int lines = 0;
        for (String line : Files.readAllLines(LOG, StandardCharsets.UTF_8)) {
            lines++;
            Matcher m = WHOLE_KEY.matcher(line);
            while (m.find()) {
                leaks.add(lines + ": " + line.replace(m.group(1), ApiKeys.mask(m.group(1)) + " (masked here)"));
            }
        }
        assertTrue(lines > 100, "the log holds the suite's lines");
        assertTrue(leaks.isEmpty(), leaks.size() + " log lines hold a whole key:\n" + String.join("\n", leaks.subList(0, Math.min(20, leaks.size()))));
    }

    @Test
    void theScanFindsAWholeKeyButNotItsMaskedForm() {
        assertTrue(WHOLE_KEY.matcher("key sk-fake-k1-0123456789abcdef used").find());
        assertTrue(WHOLE_KEY.matcher("client kr-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd").find());
        assertTrue(!WHOLE_KEY.matcher("key=k1 apiKey=" + ApiKeys.mask("sk-fake-k1-0123456789abcdef")).find());
        assertTrue(!WHOLE_KEY.matcher("client " + ApiKeys.mask("kr-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd")).find());
    }
}
