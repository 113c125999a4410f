package io.keyrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The streaming load: {@link LoadClient} in a JVM of its own on the load generators' CPU, aimed at a target's two
 * paths with the target's credentials; its output goes to a log file in the run directory, whose last
 * {@code RESULT} line is its result.
 */
final class LoadClientRunner {
    private final Settings settings;

    LoadClientRunner(Settings settings) {
        this.settings = settings;
    }

    /** Runs the load client to its end (at most {@code timeoutSeconds}) and returns its result. */
    JsonObject run(Targets.Endpoint target, List<String> extra, int timeoutSeconds) throws Exception {
        String name = "load-" + System.nanoTime();
        Process p = start(target, extra, name);
        Path logFile = settings.runDir.resolve(name + ".log");
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("load client did not finish; see " + logFile);
        }
        JsonObject r = result(Files.readString(logFile));
        Files.delete(logFile);
        return r;
    }

    /** Starts the load client, its output going to {@code <name>.log} in the run directory. */
    Process start(Targets.Endpoint target, List<String> extra, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Commands.java(), "-Xms512m", "-Xmx1g", "-XX:+UseSerialGC", "-cp",
                settings.classPath(), "io.keyrelay.bench.LoadClient", "url=" + target.base(),
                "messages=" + target.messages(), "completions=" + target.completions()));
        if (target.auth() != null) {
            cmd.add("auth=" + target.auth());
        }
        if (target.apiKey() != null) {
            cmd.add("apiKey=" + target.apiKey());
        }
        cmd.addAll(extra);
        return new ProcessBuilder(Commands.pinned(settings.loadCpus, cmd)).redirectErrorStream(true)
                .redirectOutput(settings.runDir.resolve(name + ".log").toFile()).start();
    }

    /** The load client's result: the JSON of its last {@code RESULT} line. */
    static JsonObject result(String out) {
        return out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .map(l -> new JsonObject(l.substring(7)))
                .orElseThrow(() -> new IllegalStateException("load client printed no result:\n" + out));
    }
}
