package dev.leadline.intake;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * One customer, one number: canonical E.164 from whatever format arrives, read in the workspace's
 * default country. For Indonesia "+62 812-3456-7890", "6281234567890" and "081234567890" are the same.
 */
public final class PhoneCanonicalizer {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    /**
     * @return the E.164 form, or null when the input is not a valid phone number. Letters are refused:
     * libphonenumber would read them as keypad digits ("O" as 6), which turns a typo into another lead.
     */
    public String toE164(String raw, String defaultCountry) {
        if (raw == null || raw.isBlank() || raw.length() > 64 || containsLetters(raw)) {
            return null;
        }
        String input = raw.strip();
        // "00" is the international prefix almost everywhere, but not in every country's metadata.
        if (input.startsWith("00")) {
            input = "+" + input.substring(2);
        }
        try {
            PhoneNumber number = PHONES.parse(input, defaultCountry);
            return PHONES.isValidNumber(number) ? PHONES.format(number, PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** Whether the text has a letter (any script), which no phone number has. */
    public static boolean containsLetters(String raw) {
        return raw.codePoints().anyMatch(Character::isLetter);
    }

    /** The calling code of a region, e.g. 62 for ID. */
    public int countryCallingCode(String region) {
        return PHONES.getCountryCodeForRegion(region);
    }
}
