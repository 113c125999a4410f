package io.keyrelay.admin.ui;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The admin UI's source files as they are packaged, and a small JavaScript lexer for checking them. */
final class UiSources {
    static final Path ROOT = Path.of("src", "main", "resources", AdminUi.WEB_ROOT);
    static final List<String> LANGUAGES = List.of("en", "vi");

    private UiSources() {
    }

    static List<Path> files(String extension) {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.toString().endsWith("." + extension)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(Path file) {
        return ROOT.relativize(file).toString();
    }

    /** Dictionary of one language, in file order. */
    static Map<String, String> dictionary(String language) {
        JsonObject json = new JsonObject(read(ROOT.resolve("i18n").resolve(language + ".json")));
        Map<String, String> entries = new LinkedHashMap<>();
        json.forEach(e -> entries.put(e.getKey(), String.valueOf(e.getValue())));
        return entries;
    }

    /** A string literal, or the fixed text of a template literal between its ${...} parts. */
    record Literal(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + " \"" + text + "\"";
        }
    }

    /** One JavaScript file split into its code without comments and its string literals. */
    record Script(String code, List<Literal> literals) {
    }

    static Script lex(Path file) {
        return new Lexer(name(file), read(file)).run();
    }

    /**
     * Enough of a JavaScript lexer for our own files: comments, '…' and "…" strings, template literals with nested
     * expressions, and regular-expression literals (told from division by the token before them).
     */
    private static final class Lexer {
        private final String file;
        private final String src;
        private final StringBuilder code = new StringBuilder();
        private final List<Literal> literals = new ArrayList<>();
        private int i;

        Lexer(String file, String src) {
            this.file = file;
            this.src = src;
        }

        Script run() {
            code(false);
            return new Script(code.toString(), literals);
        }

        /** Lexes code until the end, or until the brace that closes a template's ${ when inTemplate. */
        private void code(boolean inTemplate) {
            int depth = 0;
            while (i < src.length()) {
                char c = src.charAt(i);
                char next = i + 1 < src.length() ? src.charAt(i + 1) : 0;
                if (c == '/' && next == '/') {
                    while (i < src.length() && src.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '/' && next == '*') {
                    int end = src.indexOf("*/", i + 2);
                    i = end < 0 ? src.length() : end + 2;
                    code.append(' ');
                } else if (c == '\'' || c == '"') {
                    quoted(c);
                } else if (c == '`') {
                    template();
                } else if (c == '/' && regexAllowed()) {
                    regex();
                } else {
                    if (inTemplate && c == '{') {
                        depth++;
                    } else if (inTemplate && c == '}') {
                        if (depth == 0) {
                            i++;
                            return;
                        }
                        depth--;
                    }
                    code.append(c);
                    i++;
                }
            }
        }

        private boolean regexAllowed() {
            for (int j = code.length() - 1; j >= 0; j--) {
                char p = code.charAt(j);
                if (!Character.isWhitespace(p)) {
                    return "(,=:[!&|?{};+-*%<>~^".indexOf(p) >= 0 || code.toString().endsWith("return");
                }
            }
            return true;
        }

        private void regex() {
            int start = i;
            boolean inClass = false;
            i++;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == '[') {
                    inClass = true;
                } else if (c == ']') {
                    inClass = false;
                } else if (c == '/' && !inClass) {
                    i++;
                    break;
                }
                i++;
            }
            while (i < src.length() && Character.isLetter(src.charAt(i))) {
                i++;
            }
            code.append(src, start, i);
        }

        private void quoted(char quote) {
            int line = line(i);
            int start = i;
            StringBuilder text = new StringBuilder();
            i++;
            while (i < src.length() && src.charAt(i) != quote) {
                if (src.charAt(i) == '\\' && i + 1 < src.length()) {
                    i++;
                }
                text.append(src.charAt(i));
                i++;
            }
            i++;
            code.append(src, start, Math.min(i, src.length()));
            literals.add(new Literal(file, line, text.toString()));
        }

        private void template() {
            int line = line(i);
            StringBuilder text = new StringBuilder();
            code.append('`');
            i++;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '\\' && i + 1 < src.length()) {
                    text.append(src.charAt(i + 1));
                    code.append(src, i, i + 2);
                    i += 2;
                } else if (c == '`') {
                    i++;
                    break;
                } else if (c == '$' && i + 1 < src.length() && src.charAt(i + 1) == '{') {
                    literals.add(new Literal(file, line, text.toString()));
                    text.setLength(0);
                    code.append("${");
                    i += 2;
                    code(true);
                    code.append('}');
                    line = line(i);
                } else {
                    text.append(c);
                    code.append(c);
                    i++;
                }
            }
            code.append('`');
            literals.add(new Literal(file, line, text.toString()));
        }

        private int line(int at) {
            int line = 1;
            for (int j = 0; j < at; j++) {
                if (src.charAt(j) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }
}
