package dev.livesessions.tenant;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds, in a regular expression that compiles, a group repeated more than once that repeats something itself, such
 * as {@code (a+)+} or {@code (?:(?:){99}){99}}. Java's engine tries every way of sharing the text among the
 * repetitions, and when those can match nothing it does so without reading a character: ingestion's bound on reads
 * then never applies, and one message held a thread for minutes. A repetition of at most one ({@code (ab+)?}) is
 * harmless, and allowed.
 */
final class NestedRepetition {

    private NestedRepetition() {
    }

    static boolean in(String regex) {
        // For each group open at this point: whether something inside it is repeated.
        Deque<Boolean> openGroups = new ArrayDeque<>();
        boolean afterGroupWithRepetition = false;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            int next;
            boolean groupWithRepetitionEnds = false;
            if (c == '\\') {
                next = endOfEscape(regex, i);
            } else if (c == '[') {
                next = endOfClass(regex, i);
            } else if (c == '(') {
                openGroups.push(false);
                // The '?' of (?:, (?=, (?<name> and the like is not a repetition.
                next = regex.startsWith("(?", i) ? i + 2 : i + 1;
            } else if (c == ')') {
                groupWithRepetitionEnds = !openGroups.isEmpty() && openGroups.pop();
                if (groupWithRepetitionEnds) {
                    markRepetition(openGroups);
                }
                next = i + 1;
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                int end = c == '{' ? regex.indexOf('}', i) + 1 : i + 1;
                if (afterGroupWithRepetition && moreThanOnce(regex.substring(i, end))) {
                    return true;
                }
                markRepetition(openGroups);
                // A lazy or possessive repetition: '?' or '+' right after it.
                next = end < regex.length() && (regex.charAt(end) == '?' || regex.charAt(end) == '+') ? end + 1 : end;
            } else {
                next = i + 1;
            }
            afterGroupWithRepetition = groupWithRepetitionEnds;
            i = next;
        }
        return false;
    }

    private static void markRepetition(Deque<Boolean> openGroups) {
        if (!openGroups.isEmpty()) {
            openGroups.pop();
            openGroups.push(true);
        }
    }

    /** Whether a repetition ({@code *}, {@code +}, {@code ?}, {@code {n}}, {@code {n,}}, {@code {n,m}}) allows two. */
    private static boolean moreThanOnce(String repetition) {
        if (!repetition.startsWith("{")) {
            return !repetition.equals("?");
        }
        String[] bounds = repetition.substring(1, repetition.length() - 1).split(",", -1);
        String most = bounds.length == 1 ? bounds[0] : bounds[1];
        return most.isEmpty() || Long.parseLong(most.strip()) > 1;
    }

    /** The index after the escape that starts at {@code start}: {@code \d}, {@code \p{Lu}}, {@code \Q...\E}. */
    private static int endOfEscape(String regex, int start) {
        if (regex.startsWith("\\Q", start)) {
            return endOfQuote(regex, start);
        }
        if (start + 2 < regex.length() && "pPxN".indexOf(regex.charAt(start + 1)) >= 0
                && regex.charAt(start + 2) == '{') {
            return regex.indexOf('}', start) + 1;
        }
        return start + 2;
    }

    private static int endOfQuote(String regex, int start) {
        int end = regex.indexOf("\\E", start + 2);
        return end < 0 ? regex.length() : end + 2;
    }

    /** The index after the class that starts at {@code start}; Java's classes nest ({@code [a-z[0-9]]}). */
    private static int endOfClass(String regex, int start) {
        int depth = 0;
        int i = start;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i = endOfEscape(regex, i);
                continue;
            }
            if (c == '[') {
                depth++;
                // A ']' right after the opening bracket (or its '^') is a character of the class.
                if (regex.startsWith("[^]", i)) {
                    i += 3;
                    continue;
                }
                if (regex.startsWith("[]", i)) {
                    i += 2;
                    continue;
                }
            } else if (c == ']' && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return regex.length();
    }
}
