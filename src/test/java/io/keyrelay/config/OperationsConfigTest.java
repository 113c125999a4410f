package io.keyrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The operations variables: metrics token, alert watermark and webhook, repeat and health-check intervals. */
class OperationsConfigTest {

    @Test
    void defaultsNeedNothingSet() {
        Config.Operations ops = Config.from(Map.of()).operations();
        assertEquals(Optional.empty(), ops.metricsToken());
        assertEquals(2, ops.backupLowWatermark());
        assertEquals(Optional.empty(), ops.alertWebhook());
        assertEquals(Duration.ofMinutes(10), ops.alertRepeatInterval());
        assertEquals(Duration.ofSeconds(2), ops.healthCheckInterval());
    }

    @Test
    void valuesAreRead() {
        Config.Operations ops = Config.from(Map.of(
                "KEYRELAY_METRICS_TOKEN", "prometheus-0123456789",
                "KEYRELAY_BACKUP_LOW_WATERMARK", "5",
                "KEYRELAY_ALERT_WEBHOOK_URL", "https://hooks.example.com/keyrelay",
                "KEYRELAY_ALERT_REPEAT_INTERVAL", "30m",
                "KEYRELAY_HEALTH_CHECK_INTERVAL", "500ms")).operations();
        assertEquals(Optional.of("prometheus-0123456789"), ops.metricsToken());
        assertEquals(5, ops.backupLowWatermark());
        assertEquals("https://hooks.example.com/keyrelay", ops.alertWebhook().orElseThrow().toString());
        assertEquals(Duration.ofMinutes(30), ops.alertRepeatInterval());
        assertEquals(Duration.ofMillis(500), ops.healthCheckInterval());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "KEYRELAY_METRICS_TOKEN|short|KEYRELAY_METRICS_TOKEN is invalid: expected at least 16 characters",
            "KEYRELAY_BACKUP_LOW_WATERMARK|-1|KEYRELAY_BACKUP_LOW_WATERMARK=\"-1\" is invalid",
            "KEYRELAY_BACKUP_LOW_WATERMARK|two|KEYRELAY_BACKUP_LOW_WATERMARK=\"two\" is invalid",
            "KEYRELAY_ALERT_WEBHOOK_URL|ftp://x/y|KEYRELAY_ALERT_WEBHOOK_URL=\"ftp://x/y\" is invalid",
            "KEYRELAY_ALERT_WEBHOOK_URL|not a url|KEYRELAY_ALERT_WEBHOOK_URL=\"not a url\" is invalid",
            "KEYRELAY_ALERT_REPEAT_INTERVAL|0|KEYRELAY_ALERT_REPEAT_INTERVAL=\"0\" is invalid",
            "KEYRELAY_HEALTH_CHECK_INTERVAL|soon|KEYRELAY_HEALTH_CHECK_INTERVAL=\"soon\" is invalid"})
    void badValuesStopTheStartNamingTheVariable(String variable, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of(variable, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
