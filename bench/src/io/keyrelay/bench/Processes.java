package io.keyrelay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the run's long-lived processes (the fake upstream, each KeyRelay on its seeded database, nginx, the floors),
 * each pinned with taskset and logging to its own file in the run directory, waits until each listens, and stops
 * them all at the end.
 */
final class Processes {
    private final Settings settings;
    private final List<Proc> procs = new ArrayList<>();
    /** The proxies under test by target name (nginx, the floors, the KeyRelays), for their CPU and memory. */
    private final Map<String, Proc> proxies = new LinkedHashMap<>();
    private Proc nginx;

    Processes(Settings settings) {
        this.settings = settings;
    }

    /** Every process of this run still counted as running. */
    List<Proc> all() {
        return procs;
    }

    /** The proxy measured as {@code target}; null for direct. */
    Proc proxy(String target) {
        return proxies.get(target);
    }

    /** nginx's process; null when nginx is not installed. */
    Proc nginx() {
        return nginx;
    }

    void startUpstream() throws Exception {
        Proc upstream = start("upstream", settings.loadCpus, List.of(Commands.java(), "-Xms256m", "-Xmx512m",
                "-XX:+UseSerialGC", "-cp", settings.classPath(), "io.keyrelay.bench.FastUpstream",
                Integer.toString(settings.upstreamPort), "1", Integer.toString(settings.chunks),
                Integer.toString(settings.intervalMs)), Map.of());
        awaitPort(settings.upstreamPort, upstream, 30);
    }

    /** Seeds a fresh database for a KeyRelay (see {@link Seed}) and starts the KeyRelay on it, on the proxies' CPU. */
    void startRelay(KeyRelayUnderTest relay) throws Exception {
        Path data = relay.dataDir;
        Proc seed = start("seed" + relay.suffix, settings.loadCpus, List.of(Commands.java(), "-cp", settings.classPath(),
                "io.keyrelay.bench.Seed", data.toString()), relay.env);
        if (!seed.process.waitFor(120, TimeUnit.SECONDS) || seed.process.exitValue() != 0) {
            throw new IllegalStateException("seeding failed; see " + seed.log);
        }
        procs.remove(seed);
        relay.clientKey = Files.readString(data.resolve("client-key")).trim();
        Map<String, String> env = new LinkedHashMap<>();
        String up = "http://127.0.0.1:" + settings.upstreamPort;
        env.put("KEYRELAY_HOST", "127.0.0.1");
        env.put("KEYRELAY_PORT", Integer.toString(relay.port));
        env.put("KEYRELAY_DATA_DIR", data.toString());
        env.put("KEYRELAY_ADMIN_TOKEN", "bench-admin-token-0123456789");
        env.put("KEYRELAY_INSTANCE_ID", "bench");
        env.put("KEYRELAY_EVENT_LOOPS", Integer.toString(settings.proxyCpuCount()));
        env.put("KEYRELAY_PRIMARY_MESSAGES_URL", up + "/primary/v1/messages");
        env.put("KEYRELAY_PRIMARY_COMPLETIONS_URL", up + "/primary/v1/chat/completions");
        env.put("KEYRELAY_FAILOVER_MESSAGES_URL", up + "/failover/v1/messages");
        env.put("KEYRELAY_FAILOVER_COMPLETIONS_URL", up + "/failover/v1/chat/completions");
        env.put("KEYRELAY_SHUTDOWN_GRACE", "2s");
        env.putAll(relay.env);
        List<String> cmd = new ArrayList<>();
        cmd.add(Commands.java());
        for (String o : settings.relayJavaOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", relay.jar.toString()));
        String opts = settings.relayJavaOpts.isBlank() ? "(none)" : settings.relayJavaOpts;
        Bench.log(relay.label + " JVM options: " + opts + (relay.suffix.isEmpty() ? "" : "; jar " + relay.jar)
                + (relay.env.isEmpty() ? "" : "; environment " + relay.env));
        relay.proc = start(relay.target, settings.proxyCpus, cmd, env);
        awaitPort(relay.port, relay.proc, 60);
        proxies.put(relay.target, relay.proc);
    }

    /** Starts nginx, the reference proxy, on the proxies' CPU; false when it is not installed. */
    boolean startNginx() throws Exception {
        String bin = Commands.which("nginx");
        if (bin == null) {
            Bench.log("nginx not found; skipping the reference proxy");
            return false;
        }
        Path dir = settings.runDir.resolve("nginx");
        Files.createDirectories(dir.resolve("tmp"));
        String template = Files.readString(settings.root.resolve("bench/nginx.conf"));
        String access = settings.nginxAccessLog.equals("off") ? "access_log off;"
                : "access_log " + dir.resolve("access.log") + " combined buffer=256k flush=1s;";
        String conf = template
                .replace("@WORKERS@", Integer.toString(settings.proxyCpuCount()))
                .replace("@DIR@", dir.toString())
                .replace("@ACCESS_LOG@", access)
                .replace("@LISTEN@", Integer.toString(settings.nginxPort))
                .replace("@UPSTREAM@", Integer.toString(settings.upstreamPort));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = start("nginx", settings.proxyCpus, List.of(bin, "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString()), Map.of());
        awaitPort(settings.nginxPort, nginx, 20);
        proxies.put("nginx", nginx);
        return true;
    }

    /**
     * With BENCH_FLOORS=1, the floors (see {@link Floor}) run on the proxies' CPU with KeyRelay's heap: what
     * KeyRelay's stack costs before any gateway logic, measured beside nginx and KeyRelay.
     */
    void startFloors() throws Exception {
        if (!settings.floors) {
            return;
        }
        for (Floor floor : Floor.values()) {
            int port = settings.port(floor);
            Proc p = start(floor.target, settings.proxyCpus, List.of(Commands.java(), "-Xms256m", "-Xmx256m", "-cp",
                    settings.classPath(), floor.main.getName(), Integer.toString(port),
                    Integer.toString(settings.upstreamPort)), Map.of());
            awaitPort(port, p, 30);
            proxies.put(floor.target, p);
        }
    }

    private Proc start(String name, String cpus, List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Commands.pinned(cpus, cmd)).redirectErrorStream(true);
        Path logFile = settings.runDir.resolve(name + ".log");
        pb.redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Proc proc = new Proc(name, p, logFile);
        procs.add(proc);
        return proc;
    }

    void stopAll() {
        for (Proc p : new ArrayList<>(procs)) {
            if (p.process.isAlive()) {
                p.process.descendants().forEach(ProcessHandle::destroy);
                p.process.destroy();
                try {
                    if (!p.process.waitFor(15, TimeUnit.SECONDS)) {
                        p.process.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        procs.clear();
    }

    private static void awaitPort(int port, Proc proc, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!proc.process.isAlive()) {
                throw new IllegalStateException(proc.name + " exited; see " + proc.log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                Bench.log(proc.name + " is up on port " + port);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(proc.name + " did not open port " + port + " within " + seconds + " s; see "
                + proc.log);
    }
}
