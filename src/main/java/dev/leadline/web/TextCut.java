package dev.leadline.web;

/**
 * Text cut to a length in Java characters (UTF-16 units) without splitting a surrogate pair: an emoji
 * or another character beyond the Basic Multilingual Plane is kept whole or left out whole. Half of one
 * is not Unicode, and PostgreSQL's driver would store it as '?'.
 */
public final class TextCut {

    private TextCut() {
    }

    /** The first {@code max} characters at most, one fewer when the last would be half of a pair. */
    public static String head(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max > 0 && Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    /** The last {@code max} characters at most, one fewer when the first would be half of a pair. */
    public static String tail(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int start = text.length() - max;
        if (Character.isLowSurrogate(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    /** The text, or its head with {@code marker} appended so that the whole stays within {@code max} characters. */
    public static String shortened(String text, int max, String marker) {
        return text.length() <= max ? text : head(text, max - marker.length()) + marker;
    }
}
