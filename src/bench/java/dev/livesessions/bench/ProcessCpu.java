package dev.livesessions.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by the service's process and by PostgreSQL (the postmaster and its backends), read from
 * {@code /proc/<pid>/stat}. Two samples around a load give what each side spent on it, so that a run's cost per message
 * is measured rather than guessed from rates: on two shared cores, a variant's rate says little about where its time
 * went. Outside Linux every figure is NaN.
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

    /** CPU seconds used so far. */
    record Sample(double serviceSeconds, double postgresSeconds) {

        Sample since(Sample earlier) {
            return new Sample(serviceSeconds - earlier.serviceSeconds, postgresSeconds - earlier.postgresSeconds);
        }
    }

    Sample sample() {
        // A backend that ended is counted in the postmaster's children's time once it has been reaped (and is
        // skipped if it ends while being read: its time shows up there by the next sample).
        double postgres = ticks(postmasterPid, true)
                          + ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
                                         .mapToDouble(child -> ticks(child.pid(), false))
                                         .filter(ticks -> !Double.isNaN(ticks)).sum();
        return new Sample(ticks(servicePid, false) / TICKS_PER_SECOND, postgres / TICKS_PER_SECOND);
    }

    /** User and system ticks of a process, plus those of its reaped children if asked; NaN when unreadable. */
    private static double ticks(long pid, boolean withReapedChildren) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Double.NaN;
        }
        // The fields after the command name, which may itself hold spaces and parentheses: the 3rd field of the
        // line is the first here, so utime (14th) is at 11, stime at 12, cutime at 13, cstime at 14.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (withReapedChildren) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks;
    }
}
