package io.keyrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finding and running programs: the JDK's own tools, programs on PATH, commands pinned to CPUs with taskset. */
final class Commands {
    private Commands() {
    }

    /** The command run under {@code taskset -c cpus} when taskset is installed and CPUs are given, else as it is. */
    static List<String> pinned(String cpus, List<String> cmd) {
        List<String> full = new ArrayList<>();
        if (which("taskset") != null && !cpus.isBlank()) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(cmd);
        return full;
    }

    /** Runs a short command and returns what it printed (stdout and stderr); stops it after that many seconds. */
    static String run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    /** A program's path on PATH, then in /usr/sbin and /sbin; null when it is not installed. */
    static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** The java launcher of the JDK this benchmark runs on. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jcmd() {
        Path p = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(p) ? p.toString() : "jcmd";
    }
}
