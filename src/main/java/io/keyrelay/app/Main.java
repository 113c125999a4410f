package io.keyrelay.app;

import io.keyrelay.config.Config;
import io.keyrelay.config.ConfigException;

/** Starts KeyRelay from environment variables; a bad value stops it with one line naming the variable. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("keyrelay: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        KeyRelay relay = KeyRelay.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            // log lines are written by a writer thread (BatchingAppender): flush it last, so no shutdown line is lost
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
                logging.stop();
            }
        }, "keyrelay-shutdown"));
    }
}
