package org.dlm4j.data;

/** Small English helpers for the story generator. */
final class Words {
    private static final String[] NUMBERS = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve"};

    static final int MAX_COUNT = NUMBERS.length - 1;

    private Words() {
    }

    /** "no apples", "one apple", "three apples". */
    static String count(int n, String noun) {
        if (n < 0 || n > MAX_COUNT) {
            throw new IllegalArgumentException("count " + n + " outside [0, " + MAX_COUNT + "]");
        }
        return NUMBERS[n] + " " + (n == 1 ? noun : noun + "s");
    }

    static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
