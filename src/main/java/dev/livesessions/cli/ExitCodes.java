package dev.livesessions.cli;

/** What the command-line tool's exit code means, for scripts and crontab. */
final class ExitCodes {

    static final int OK = 0;
    /** The work ran and failed: a cleanup run that did not succeed. */
    static final int FAILED = 1;
    /** Bad usage: a missing or wrong option (picocli's own code), or a value the service found invalid (400). */
    static final int USAGE = 2;
    /** The service refused the request (a 4xx but 400, or a 500 in JSON). */
    static final int REFUSED = 3;
    /**
     * The service could not be reached, could not answer now (a 502, 503 or 504: try again), did not answer within
     * the tool's time limit, or something else answered at its URL (a page, a redirect, an empty answer).
     */
    static final int UNREACHABLE = 4;
    /** The user did not confirm (a delete whose session id was not typed back). */
    static final int NOT_CONFIRMED = 5;
    /** A verification compared nothing: every tenant changed while it ran. */
    static final int INCOMPLETE = 6;

    private ExitCodes() {
    }
}
