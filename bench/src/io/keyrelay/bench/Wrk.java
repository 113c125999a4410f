package io.keyrelay.bench;

import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The non-streaming load: wrk with one thread on the load generators' CPU, posting bench/wrk-post.lua's small request
 * to a target's messages path with the target's credentials; its output is appended to the run's wrk.log and its
 * result line (printed by the script's {@code done()}) parsed.
 */
final class Wrk {
    private static final Pattern RESULT = Pattern.compile("WRK requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) "
            + "p99_us=(\\d+) max_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+) timeout=(\\d+)");

    private final Settings settings;

    /** One wrk run: requests done, its duration, exact p50/p99, and its failures (detail: each kind counted). */
    record Result(long requests, double seconds, double p50Ms, double p99Ms, long nonOk, long socketErrors,
                  String detail) {
        double rps() {
            return requests / seconds;
        }

        long errors() {
            return nonOk + socketErrors;
        }
    }

    Wrk(Settings settings) {
        this.settings = settings;
    }

    Result run(Targets.Endpoint target, int connections, int seconds) throws Exception {
        String bin = Commands.which("wrk");
        if (bin == null) {
            throw new IllegalStateException("wrk is not installed: apt-get install -y wrk (bench/run.sh does it)");
        }
        String url = target.messagesUrl();
        List<String> cmd = Commands.pinned(settings.loadCpus, List.of(bin, "-t1", "-c" + connections,
                "-d" + seconds + "s", "--timeout", "10s", "-s", settings.root.resolve("bench/wrk-post.lua").toString(),
                url));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("BENCH_AUTH", target.auth() == null ? "" : target.auth());
        pb.environment().put("BENCH_API_KEY", target.apiKey() == null ? "" : target.apiKey());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        Files.writeString(settings.runDir.resolve("wrk.log"), url + " -c" + connections + "\n" + out + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Matcher m = RESULT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no result:\n" + out);
        }
        long socketErrors = Long.parseLong(m.group(6)) + Long.parseLong(m.group(7)) + Long.parseLong(m.group(8))
                + Long.parseLong(m.group(10));
        String detail = "non-2xx " + m.group(9) + ", connect " + m.group(6) + ", read " + m.group(7) + ", write "
                + m.group(8) + ", timeout " + m.group(10);
        return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6,
                Long.parseLong(m.group(3)) / 1e3, Long.parseLong(m.group(4)) / 1e3, Long.parseLong(m.group(9)),
                socketErrors, detail);
    }
}
