package io.keyrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    @Test
    void defaultsMatchTheSpec() {
        Config c = Config.from(Map.of());
        assertEquals(8080, c.server().port());
        assertTrue(c.storage().embedded());
        assertEquals(Path.of("./data"), c.storage().dataDir());
        assertEquals("https://api.ohmygpt.com/v1/messages", c.upstream().primaryMessages().toString());
        assertEquals("https://api.ohmygpt.com/v1/chat/completions", c.upstream().primaryCompletions().toString());
        assertEquals("https://c-z0-api-01.hash070.com/v1/messages", c.upstream().failoverMessages().toString());
        assertEquals("https://c-z0-api-01.hash070.com/chat/completions", c.upstream().failoverCompletions().toString());
        assertEquals(4, c.upstream().maxAttempts());
        assertEquals(32L * 1024 * 1024, c.server().maxBodyBytes());
        assertEquals(Duration.ofSeconds(5), c.pool().syncInterval());
        assertEquals(Duration.ofMinutes(2), c.pool().rateLimitCooldown());
        assertEquals(Duration.ofHours(24), c.pool().exhaustedCooldown());
        assertEquals(Duration.ofSeconds(30), c.pool().cooldownSweepInterval());
        assertEquals(Duration.ofHours(12), c.pool().usedBackupRetention());
        assertEquals(List.of("exceededbudget", "budget_exceeded", "over budget"), c.keywords().quota());
        assertEquals(List.of("banned", "blocked", "suspended", "disabled"), c.keywords().permanentBlock());
        assertTrue(c.admin().token().isEmpty());
        assertEquals("claude-haiku-4-5", c.admin().keyTestModel());
    }

    @Test
    void theKeyTestModelMustBeAModelId() {
        assertEquals("gpt-4o-mini", Config.from(Map.of("KEYRELAY_KEY_TEST_MODEL", "gpt-4o-mini")).admin().keyTestModel());
        for (String bad : List.of("claude/../x", "..", "claude haiku", "x".repeat(257))) {
            ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of("KEYRELAY_KEY_TEST_MODEL", bad)));
            assertTrue(e.getMessage().startsWith("KEYRELAY_KEY_TEST_MODEL=") && e.getMessage().endsWith(
                    "is invalid: expected a model id of at most 256 letters, digits and - _ . : @"), e.getMessage());
        }
    }

    @Test
    void readsTypedValues() {
        Config c = Config.from(Map.of(
                "KEYRELAY_PORT", "9000",
                "KEYRELAY_MONGODB_URI", "mongodb://db1:27017,db2:27017/relay?replicaSet=rs0",
                "KEYRELAY_SYNC_INTERVAL", "750ms",
                "KEYRELAY_MAX_BODY_BYTES", "2m",
                "KEYRELAY_BLOCK_KEYWORDS", "Banned, Terminated ",
                "KEYRELAY_FAILOVER_COMPLETIONS_URL", "https://backup.example/v1/chat/completions"));
        assertEquals(9000, c.server().port());
        assertFalse(c.storage().embedded());
        assertEquals(Duration.ofMillis(750), c.pool().syncInterval());
        assertEquals(2L * 1024 * 1024, c.server().maxBodyBytes());
        assertEquals(List.of("banned", "terminated"), c.keywords().permanentBlock());
        assertEquals("https://backup.example/v1/chat/completions", c.upstream().failoverCompletions().toString());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "KEYRELAY_PORT            | eighty        | a whole number from 0 to 65535",
            "KEYRELAY_PORT            | 70000         | a whole number from 0 to 65535",
            "KEYRELAY_MAX_ATTEMPTS    | 0             | a whole number from 1 to 20",
            "KEYRELAY_SYNC_INTERVAL   | soon          | a duration",
            "KEYRELAY_SYNC_INTERVAL   | 0s            | a duration greater than zero",
            "KEYRELAY_MAX_BODY_BYTES  | lots          | a size",
            "KEYRELAY_PRIMARY_MESSAGES_URL | ftp://x/y | an http:// or https:// URL",
            "KEYRELAY_PRIMARY_BASE_URL | https://h/?a=b | without a query or fragment",
            "KEYRELAY_FAILOVER_BASE_URL | https://h/api#x | without a query or fragment",
            "KEYRELAY_MONGODB_URI     | postgres://x  | a mongodb:// or mongodb+srv:// connection string",
            "KEYRELAY_ADMIN_TOKEN     | short         | at least 16 characters",
            "KEYRELAY_UPSTREAM_CA_FILE | /nonexistent/ca.pem | cannot read certificates from /nonexistent/ca.pem",
            "KEYRELAY_UPSTREAM_CA_FILE | pom.xml       | pom.xml",
    })
    void aBadValueIsReportedWithTheVariableAndWhatIsExpected(String name, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of(name, value)));
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aConfigFileFillsInWhatTheEnvironmentLeavesOut(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keyrelay.env");
        Files.writeString(file, "# KeyRelay\nKEYRELAY_PORT=9100\nKEYRELAY_MAX_ATTEMPTS=\"6\"\n\nKEYRELAY_DATA_DIR=/var/lib/keyrelay\n");
        Map<String, String> env = Config.withConfigFile(Map.of("KEYRELAY_CONFIG_FILE", file.toString(), "KEYRELAY_PORT", "9200"));
        Config c = Config.from(env);
        assertEquals(9200, c.server().port(), "the environment wins");
        assertEquals(6, c.upstream().maxAttempts());
        assertEquals(Path.of("/var/lib/keyrelay"), c.storage().dataDir());
    }

    @Test
    void startupStopsWithOneLineNamingTheVariable() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.keyrelay.app.Main");
        pb.environment().put("KEYRELAY_STREAM_IDLE_TIMEOUT", "forever");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(2, p.exitValue());
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("KEYRELAY_STREAM_IDLE_TIMEOUT=\"forever\" is invalid: expected a duration"), out);
    }
}
