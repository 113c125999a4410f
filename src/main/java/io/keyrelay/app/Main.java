package io.keyrelay.app;

import io.keyrelay.config.Config;
import io.keyrelay.config.ConfigException;

/** Starts KeyRelay from environment variables; a bad value stops it with one line naming the variable. */
public final class Main {
    private Main() {
    }

    /**
     * After an OutOfMemoryError a JVM may go on half-working (threads dead, GC at full CPU); with
     * {@code -XX:+ExitOnOutOfMemoryError} it exits, and a supervisor starts it again. README's command sets it.
     */
    private static void warnUnlessExitingOnOutOfMemory() {
        var diagnostics = java.lang.management.ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class);
        if (diagnostics != null && !"true".equals(diagnostics.getVMOption("ExitOnOutOfMemoryError").getValue())) {
            org.slf4j.LoggerFactory.getLogger(Main.class).warn("started without -XX:+ExitOnOutOfMemoryError: should the heap"
                    + " ever run out, KeyRelay would limp on instead of exiting for its supervisor to restart it");
        }
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
        warnUnlessExitingOnOutOfMemory();
        KeyRelay relay;
        try {
            relay = KeyRelay.start(config);
        } catch (RuntimeException e) {
            // the database's and the HTTP servers' threads would keep a half-started process alive
            org.slf4j.LoggerFactory.getLogger(Main.class).error("KeyRelay could not start", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            // log lines are written by a writer thread (BatchingAppender): flush it last, so no shutdown line is lost
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
                logging.stop();
            }
        }, "keyrelay-shutdown"));
    }
}
