package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No visible text is written into the UI's HTML, JavaScript or CSS (it all comes from the dictionaries), and
 * nothing in them needs an inline script or style or turns server data into markup.
 */
class UiSourcesTest {
    /** Two words separated by whitespace: prose, not an identifier, class name, URL or selector. */
    private static final Pattern PROSE = Pattern.compile("\\p{L}{2,}\\s+\\p{L}{2,}");
    /** A capitalised word, like "Enabled". */
    private static final Pattern CAPITALISED = Pattern.compile("^\\s*\\p{Lu}\\p{Ll}+");
    /** Keyboard key names compared with KeyboardEvent.key; they are never shown. */
    private static final Set<String> TECHNICAL = Set.of("Escape", "Tab", "Enter");
    private static final Pattern HTML_TEXT = Pattern.compile(">([^<]*)<");
    private static final Pattern HTML_VISIBLE_ATTRIBUTE =
            Pattern.compile("\\s(placeholder|title|alt|aria-label|value|label)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern CSS_CONTENT = Pattern.compile("content\\s*:\\s*([\"'])(.*?)\\1");
    private static final Pattern UNSAFE_JS = Pattern.compile(
            "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new\\s+Function|\\.style\\b"
                    + "|setAttribute\\(\\s*'style'|(?<![\\w.])(alert|confirm|prompt)\\s*\\(");

    @Test
    void javascriptStringsHoldNoVisibleText() {
        List<UiSources.Literal> offending = new ArrayList<>();
        for (Path js : UiSources.files("js")) {
            for (UiSources.Literal literal : UiSources.lex(js).literals()) {
                if (looksVisible(literal.text())) {
                    offending.add(literal);
                }
            }
        }
        assertEquals(List.of(), offending, "visible text belongs in i18n/en.json and i18n/vi.json");
    }

    @Test
    void theCheckCatchesTypicalHardCodedText() {
        // guards the heuristics above against being loosened until they catch nothing
        for (String text : List.of("Enabled", "Add key", "rate limited", "Đã bật", "Failover for k1")) {
            assertEquals(true, looksVisible(text), text);
        }
        for (String text : List.of("btn-primary", "/admin/ohmygpt/keys/", "application/json", "aria-checked", "Escape",
                "[data-action=\"newer\"]", "en-US", "—", "a[href], button:not([disabled])")) {
            assertEquals(false, looksVisible(text), text);
        }
    }

    @Test
    void htmlHasNoTextOutsideTheDictionaries() {
        List<String> offending = new ArrayList<>();
        for (Path html : UiSources.files("html")) {
            String source = UiSources.read(html).replaceAll("(?s)<!--.*?-->", "");
            Matcher text = HTML_TEXT.matcher(source);
            while (text.find()) {
                if (!text.group(1).isBlank()) {
                    offending.add(UiSources.name(html) + ": text \"" + text.group(1).strip() + "\"");
                }
            }
            Matcher attribute = HTML_VISIBLE_ATTRIBUTE.matcher(source);
            while (attribute.find()) {
                if (!attribute.group(2).isBlank()) {
                    offending.add(UiSources.name(html) + ": " + attribute.group(1) + "=\"" + attribute.group(2) + "\"");
                }
            }
        }
        assertEquals(List.of(), offending, "use data-i18n, data-i18n-aria-label, data-i18n-placeholder or data-i18n-title");
    }

    @Test
    void cssAddsNoText() {
        List<String> offending = new ArrayList<>();
        for (Path css : UiSources.files("css")) {
            Matcher m = CSS_CONTENT.matcher(UiSources.read(css));
            while (m.find()) {
                if (m.group(2).codePoints().anyMatch(Character::isLetter)) {
                    offending.add(UiSources.name(css) + ": content " + m.group(0));
                }
            }
        }
        assertEquals(List.of(), offending);
    }

    @Test
    void htmlNeedsNoInlineScriptOrStyle() {
        for (Path html : UiSources.files("html")) {
            String source = UiSources.read(html);
            String name = UiSources.name(html);
            assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(source).find(), name + ": inline script");
            assertFalse(Pattern.compile("<style|\\sstyle\\s*=").matcher(source).find(), name + ": inline style");
            assertFalse(Pattern.compile("\\son[a-z]+\\s*=").matcher(source).find(), name + ": inline event handler");
            assertFalse(source.contains("javascript:"), name + ": javascript: URL");
        }
    }

    @Test
    void javascriptNeverBuildsMarkupFromStringsOrStylesInline() {
        List<String> offending = new ArrayList<>();
        for (Path js : UiSources.files("js")) {
            Matcher m = UNSAFE_JS.matcher(UiSources.lex(js).code());
            while (m.find()) {
                offending.add(UiSources.name(js) + ": " + m.group());
            }
        }
        assertEquals(List.of(), offending, "set text with textContent or text nodes, style with classes");
    }

    private static boolean looksVisible(String text) {
        if (TECHNICAL.contains(text)) {
            return false;
        }
        return PROSE.matcher(text).find()
                || CAPITALISED.matcher(text).find()
                || text.codePoints().anyMatch(c -> c > 0x7f && Character.isLetter(c));
    }
}
