package dev.livesessions;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What stops a regular expression from serving as a product code pattern: it does not compile, or it has a group
 * repeated more than once that repeats something itself, such as {@code (a+)+} or {@code (?:(?:){99}){99}}. Java's
 * engine tries every way of sharing the text among the repetitions, and when those can match nothing it does so
 * without reading a character: ingestion's bound on reads then never applies, and one message held a thread for
 * minutes. A repetition of at most one ({@code (ab+)?}) is harmless, and allowed. Comments mode ({@code (?x)}), where
 * spaces and comments may stand between a group and its repetition, is refused rather than read.
 * <p>
 * So is a repetition that asks for more than {@value #MOST_REQUIRED} of anything ({@code ^{999999999}}): the engine
 * takes each required one in turn without asking whether it read a character, and a product code is never longer
 * than that, so such a pattern could only match by repeating what reads nothing.
 */
public final class NestedRepetition {

    /** The most repetitions a pattern may require: the length of the longest product code the service reads. */
    public static final int MOST_REQUIRED = 32;

    /** An embedded flag group that turns comments mode on: {@code (?x)}, {@code (?ix:}, not {@code (?-x)}. */
    private static final Pattern COMMENTS_MODE = Pattern.compile("\\(\\?[a-zA-Z]*x[a-zA-Z]*(-[a-zA-Z]*)?[):]");

    private NestedRepetition() {
    }

    /** @return what is wrong with the pattern, worded to follow its name; empty when nothing is */
    public static Optional<String> problemWith(String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return Optional.of("is not a valid regular expression: " + e.getDescription());
        }
        if (COMMENTS_MODE.matcher(regex).find()) {
            return Optional.of("must not use comments mode, (?x)");
        }
        return repetitionProblem(regex);
    }

    private static Optional<String> repetitionProblem(String regex) {
        // For each group open at this point: whether something inside it is repeated.
        Deque<Boolean> openGroups = new ArrayDeque<>();
        boolean afterGroupWithRepetition = false;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            int next;
            boolean groupWithRepetitionEnds = false;
            int closingBrace = c == '{' ? regex.indexOf('}', i) : -1;
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
            } else if (c == '*' || c == '+' || c == '?' || closingBrace > i) {
                int end = c == '{' ? closingBrace + 1 : i + 1;
                String repetition = regex.substring(i, end);
                if (afterGroupWithRepetition && moreThanOnce(repetition)) {
                    return Optional.of("must not repeat a group that repeats something itself, as (a+)+ does: "
                                       + "matching one message could take minutes");
                }
                if (required(repetition) > MOST_REQUIRED) {
                    return Optional.of("must not require more than " + MOST_REQUIRED + " repetitions of anything, as "
                                       + "^{999999999} does: no product code is longer, and matching one message "
                                       + "could take minutes");
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
        return Optional.empty();
    }

    private static void markRepetition(Deque<Boolean> openGroups) {
        if (!openGroups.isEmpty()) {
            openGroups.pop();
            openGroups.push(true);
        }
    }

    /** How many times a repetition requires what it repeats: {@code n} of {@code {n,m}}, none for {@code *}. */
    private static long required(String repetition) {
        return repetition.startsWith("{") ? Long.parseLong(bounds(repetition)[0]) : 0;
    }

    /** Whether a repetition ({@code *}, {@code +}, {@code ?}, {@code {n}}, {@code {n,}}, {@code {n,m}}) allows two. */
    private static boolean moreThanOnce(String repetition) {
        if (!repetition.startsWith("{")) {
            return !repetition.equals("?");
        }
        String[] bounds = bounds(repetition);
        String most = bounds.length == 1 ? bounds[0] : bounds[1];
        return most.isEmpty() || Long.parseLong(most) > 1;
    }

    /** The bounds written between the braces of a repetition: {@code {n}}, {@code {n,}} or {@code {n,m}}. */
    private static String[] bounds(String repetition) {
        return repetition.substring(1, repetition.length() - 1).split(",", -1);
    }

    /**
     * The index after the escape that starts at {@code start}: {@code \d}, {@code \cX}, {@code \p{Lu}},
     * {@code \Q...\E}.
     */
    private static int endOfEscape(String regex, int start) {
        if (regex.startsWith("\\Q", start)) {
            int end = regex.indexOf("\\E", start + 2);
            return end < 0 ? regex.length() : end + 2;
        }
        if (regex.startsWith("\\c", start)) {
            return Math.min(start + 3, regex.length());
        }
        if (start + 2 < regex.length() && "pPxN".indexOf(regex.charAt(start + 1)) >= 0
                && regex.charAt(start + 2) == '{') {
            int end = regex.indexOf('}', start);
            return end < 0 ? regex.length() : end + 1;
        }
        return Math.min(start + 2, regex.length());
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
