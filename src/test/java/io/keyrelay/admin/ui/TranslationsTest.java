package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The English and Vietnamese dictionaries are complete, consistent, and cover every key the UI uses. */
class TranslationsTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    /** t('key'), and t(cond ? 'keyA' : 'keyB'). */
    private static final Pattern T_CALL = Pattern.compile("\\bt\\(\\s*'(\\w+)'");
    private static final Pattern T_TERNARY = Pattern.compile("\\bt\\(\\s*[\\w.!]+\\s*\\?\\s*'(\\w+)'\\s*:\\s*'(\\w+)'");
    /** Label maps such as { healthy: 'statusHealthy' } or { ok: { labelKey: 'verdictOk' } }. */
    private static final Pattern LABEL_MAP_VALUE =
            Pattern.compile(":\\s*'((?:status|reason|verdict|action|endpoint|backup)[A-Z]\\w*)'");
    private static final Pattern HTML_KEY = Pattern.compile("data-i18n(?:-[a-z-]+)?=\"([^\"]+)\"");
    /** Names and terms that are the same in both languages. */
    private static final Set<String> SAME_IN_BOTH = Set.of("appName", "milliseconds");

    @Test
    void noKeyIsGivenTwiceInADictionary() throws Exception {
        // a JSON object read by the browser (and by Vert.x) keeps the last of two equal keys without a word
        com.fasterxml.jackson.core.JsonFactory strict = com.fasterxml.jackson.core.JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        for (String language : UiSources.LANGUAGES) {
            try (var parser = strict.createParser(UiSources.read(UiSources.ROOT.resolve("i18n").resolve(language + ".json")))) {
                while (parser.nextToken() != null) {
                    // a second key fails the read with the key's name
                }
            }
        }
    }

    @Test
    void bothLanguagesHaveExactlyTheSameKeys() {
        Set<String> en = UiSources.dictionary("en").keySet();
        Set<String> vi = UiSources.dictionary("vi").keySet();
        assertEquals(Set.of(), symmetricDifference(en, vi), "keys only in one language");
    }

    @Test
    void everyTextHasTheSamePlaceholdersInBothLanguages() {
        Map<String, String> en = UiSources.dictionary("en");
        Map<String, String> vi = UiSources.dictionary("vi");
        List<String> mismatched = new ArrayList<>();
        en.forEach((key, text) -> {
            if (vi.containsKey(key) && !placeholders(text).equals(placeholders(vi.get(key)))) {
                mismatched.add(key);
            }
        });
        assertEquals(List.of(), mismatched);
    }

    @Test
    void noTextIsBlankAndVietnameseIsTranslatedNotCopied() {
        Map<String, String> en = UiSources.dictionary("en");
        Map<String, String> vi = UiSources.dictionary("vi");
        for (String language : UiSources.LANGUAGES) {
            UiSources.dictionary(language).forEach((key, text) ->
                    assertTrue(!text.isBlank(), language + " " + key + " is blank"));
        }
        List<String> copied = en.keySet().stream()
                .filter(key -> en.get(key).equals(vi.get(key)) && !SAME_IN_BOTH.contains(key)).toList();
        assertEquals(List.of(), copied, "Vietnamese texts identical to the English ones");
    }

    @Test
    void failoverTextsExistInBothLanguages() {
        for (String language : UiSources.LANGUAGES) {
            Set<String> keys = UiSources.dictionary(language).keySet();
            for (String key : List.of("failover", "failoverEnabled", "failoverDisabled", "failoverColumn",
                    "enableFailoverLabel", "statFailoverEnabled", "statusUsingFailover")) {
                assertTrue(keys.contains(key), language + " lacks " + key);
            }
        }
        assertEquals("Enable Failover", UiSources.dictionary("en").get("enableFailoverLabel"));
        assertEquals("Enabled", UiSources.dictionary("en").get("failoverEnabled"));
        assertEquals("Disabled", UiSources.dictionary("en").get("failoverDisabled"));
    }

    @Test
    void everyKeyTheUiAsksForExists() {
        Set<String> known = UiSources.dictionary("en").keySet();
        Set<String> missing = new TreeSet<>();
        for (Path js : UiSources.files("js")) {
            String code = UiSources.lex(js).code();
            collect(T_CALL, code, missing);
            collect(T_TERNARY, code, missing);
            collect(LABEL_MAP_VALUE, code, missing);
        }
        for (Path html : UiSources.files("html")) {
            collect(HTML_KEY, UiSources.read(html), missing);
        }
        missing.removeAll(known);
        assertEquals(Set.of(), missing, "keys used by the UI but missing from the dictionaries");
    }

    @Test
    void everyDictionaryKeyIsUsedSomewhere() {
        StringBuilder everything = new StringBuilder();
        UiSources.files("js").forEach(js -> everything.append(UiSources.lex(js).code()).append('\n'));
        UiSources.files("html").forEach(html -> everything.append(UiSources.read(html)).append('\n'));
        List<String> unused = UiSources.dictionary("en").keySet().stream()
                .filter(key -> !Pattern.compile("\\b" + key + "\\b").matcher(everything).find()).toList();
        assertEquals(List.of(), unused, "dictionary keys nothing refers to");
    }

    private static void collect(Pattern pattern, String text, Set<String> into) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                into.add(m.group(g));
            }
        }
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        collect(PLACEHOLDER, text, names);
        return names;
    }

    private static Set<String> symmetricDifference(Set<String> a, Set<String> b) {
        Set<String> diff = new TreeSet<>(a);
        diff.addAll(b);
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        diff.removeAll(both);
        return diff;
    }
}
