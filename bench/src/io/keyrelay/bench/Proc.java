package io.keyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A process this run started, and what /proc says of it: its CPU time, its JIT compilers' CPU time, its RSS. */
final class Proc {
    final String name;
    final Process process;
    final Path log;

    Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The real program's pid: taskset execs it, so it is the same pid; nginx adds its workers as children. */
    List<Long> pids() {
        List<Long> out = new ArrayList<>();
        out.add(process.pid());
        process.descendants().forEach(h -> out.add(h.pid()));
        return out;
    }

    long userTicks() {
        return ticks(false);
    }

    long cpuTicks() {
        return ticks(true);
    }

    /** User time of every process of it, with system time too when asked. */
    private long ticks(boolean withSystem) {
        long sum = 0;
        for (long pid : pids()) {
            String[] f = stat(pid);
            if (f != null) {
                sum += Long.parseLong(f[11]) + (withSystem ? Long.parseLong(f[12]) : 0);
            }
        }
        return sum;
    }

    /** CPU of the JVM's JIT compiler threads (C1 and C2), from /proc/PID/task. */
    long compilerTicks() {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String s = Files.readString(task.resolve("stat"));
                    String comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0; // the process is gone
        }
        return sum;
    }

    void resetPeakRss() {
        for (long pid : pids()) {
            try {
                Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
            } catch (IOException e) {
                // not permitted here: the peak is then the peak since start
            }
        }
    }

    double peakRssMb() {
        return statusKb("VmHWM") / 1024.0;
    }

    double rssMb() {
        return statusKb("VmRSS") / 1024.0;
    }

    private long statusKb(String field) {
        long sum = 0;
        for (long pid : pids()) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (l.startsWith(field + ":")) {
                        sum += Long.parseLong(l.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException e) {
                // gone
            }
        }
        return sum;
    }

    /** Fields of /proc/PID/stat after the command name: index 0 is the state, 11 utime, 12 stime, 13 cutime, 14 cstime. */
    static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }
}
