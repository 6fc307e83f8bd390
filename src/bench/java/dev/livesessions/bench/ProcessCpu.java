package dev.livesessions.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time used by the service's process, each of its threads, and PostgreSQL (the postmaster and its backends),
 * read from {@code /proc/<pid>/stat} and {@code /proc/<pid>/task/<tid>/stat}. Two samples around a load give what
 * each side spent on it, so that a run's cost per message is measured rather than guessed from rates: on two shared
 * cores, a variant's rate says little about where its time went, and JFR sees only Java code, not a thread's time in
 * the kernel. Outside Linux every figure is NaN, and there are no threads.
 * <p>
 * {@code ProcessHandle.Info.totalCpuDuration()} would do for the service, but not for PostgreSQL: backends and
 * autovacuum workers that ended are counted only in the postmaster's time for its reaped children, which only
 * {@code /proc} gives.
 */
final class ProcessCpu {

    /** Linux reports these counters in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private final long servicePid;
    private final long postmasterPid;

    ProcessCpu(long servicePid, long postmasterPid) {
        this.servicePid = servicePid;
        this.postmasterPid = postmasterPid;
    }

    /**
     * CPU seconds used so far by the service and by PostgreSQL, and by the service's live threads, by kind: the
     * thread's name as Linux keeps it (its first 15 characters) with every number replaced by {@code #}.
     */
    record Sample(double serviceSeconds, double postgresSeconds, Map<String, Double> serviceThreadSeconds) {

        /**
         * What was spent since {@code earlier}. A thread that ended in between is missing from its kind (its time
         * stays in the service's total), so a kind whose sum went down is left out.
         */
        Sample since(Sample earlier) {
            Map<String, Double> threads = new TreeMap<>();
            serviceThreadSeconds.forEach((kind, seconds) -> {
                double spent = seconds - earlier.serviceThreadSeconds.getOrDefault(kind, 0.0);
                if (spent > 0) {
                    threads.put(kind, spent);
                }
            });
            return new Sample(serviceSeconds - earlier.serviceSeconds, postgresSeconds - earlier.postgresSeconds,
                              threads);
        }
    }

    Sample sample() {
        // A backend that ended is counted in the postmaster's children's time once it has been reaped (and is
        // skipped if it ends while being read: its time shows up there by the next sample).
        double postgres = ticks(postmasterPid, true)
                          + ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
                                         .mapToDouble(child -> ticks(child.pid(), false))
                                         .filter(ticks -> !Double.isNaN(ticks)).sum();
        return new Sample(ticks(servicePid, false) / TICKS_PER_SECOND, postgres / TICKS_PER_SECOND,
                          serviceThreads());
    }

    /** Seconds of CPU of the service's live threads, summed by kind; empty when {@code /proc} cannot be read. */
    private Map<String, Double> serviceThreads() {
        Map<String, Double> byKind = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(servicePid), "task"))) {
            tasks.forEach(task -> {
                String stat = read(task.resolve("stat"));
                if (stat != null) {
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byKind.merge(name.replaceAll("\\d+", "#"), ticks(stat, false) / TICKS_PER_SECOND, Double::sum);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
        return byKind;
    }

    /** User and system ticks of a process, plus those of its reaped children if asked; NaN when unreadable. */
    private static double ticks(long pid, boolean withReapedChildren) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? Double.NaN : ticks(stat, withReapedChildren);
    }

    private static double ticks(String stat, boolean withReapedChildren) {
        // The fields after the command name, which may itself hold spaces and parentheses: the 3rd field of the
        // line is the first here, so utime (14th) is at 11, stime at 12, cutime at 13, cstime at 14.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (withReapedChildren) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks;
    }

    /** The file's text, or null when it cannot be read (the process or thread has ended). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }
}
