package dev.elasticcache.structured;

/**
 * Canonical JSON text of decoded slot values. The slot constraints admit only tokens of the right characters
 * but not their order (a diffusion model fills positions out of order), so the value is normalised to JSON's
 * grammar here: a sign only in front, no leading zeros, one decimal point, at least one digit.
 */
final class ValueText {
    private ValueText() {}

    /** A string value cut to {@code maxLength} code points (-1: no bound). */
    static String string(String text, int maxLength) {
        if (maxLength < 0 || text.codePointCount(0, text.length()) <= maxLength) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxLength));
    }

    /** An integer: {@code "-007"} → {@code -7}, {@code "--"} → {@code 0}, {@code "1-2"} → {@code 12}. */
    static String integer(String text) {
        boolean negative = text.startsWith("-");
        String digits = stripLeadingZeros(text.replaceAll("[^0-9]", ""));
        return negative && !digits.equals("0") ? "-" + digits : digits;
    }

    /** A number: {@code "-01.50.2"} → {@code -1.502}, {@code "."} → {@code 0}, {@code "3."} → {@code 3}. */
    static String number(String text) {
        boolean negative = text.startsWith("-");
        int point = text.indexOf('.');
        String whole = stripLeadingZeros((point < 0 ? text : text.substring(0, point)).replaceAll("[^0-9]", ""));
        String fraction = point < 0 ? "" : text.substring(point + 1).replaceAll("[^0-9]", "");
        String out = fraction.isEmpty() ? whole : whole + "." + fraction;
        boolean zero = out.chars().allMatch(c -> c == '0' || c == '.');
        return negative && !zero ? "-" + out : out;
    }

    /** {@code value} moved into [{@code min}, {@code max}] (either may be null: unbounded). */
    static <T extends Comparable<T>> T clamp(T value, T min, T max) {
        if (min != null && value.compareTo(min) < 0) {
            return min;
        }
        if (max != null && value.compareTo(max) > 0) {
            return max;
        }
        return value;
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.isEmpty() ? "0" : digits.substring(i);
    }
}
