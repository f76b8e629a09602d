package dev.leadline.intake;

import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer, one number: canonical E.164 from whatever format arrives, read in the workspace's
 * default country. For Indonesia "+62 812-3456-7890", "6281234567890" and "081234567890" are the same.
 * WhatsApp's own forms of Mexican and Brazilian mobiles are brought to today's numbering, so that a
 * customer who arrives in both forms is one lead.
 */
public final class PhoneCanonicalizer {

    private static final Logger LOG = LoggerFactory.getLogger(PhoneCanonicalizer.class);
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final int MEXICO = 52;
    private static final int BRAZIL = 55;
    /** What a WhatsApp id may look like once its formatting is gone: E.164's 15 digits at most, no trunk 0. */
    private static final Pattern INTERNATIONAL_DIGITS = Pattern.compile("\\+?[1-9][0-9]{6,14}");
    private static final Pattern FORMATTING = Pattern.compile("[\\s().\\-]");

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
            PhoneNumber number = todaysForm(PHONES.parse(input, defaultCountry));
            return PHONES.isValidNumber(number) ? PHONES.format(number, PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * A phone WhatsApp itself gave (Meta's {@code from}, {@code wa_id}, {@code recipient_id}): a number
     * WhatsApp verified, so one libphonenumber rejects (its metadata lags a country's new ranges) is kept
     * as "+" and its digits as given rather than losing the lead; logged without the number.
     *
     * @return the E.164 form, else "+digits", or null when it is not international digits at all
     */
    public String whatsAppIdToE164(String raw, String defaultCountry) {
        String canonical = toE164(raw, defaultCountry);
        if (canonical != null || raw == null || raw.length() > 64) {
            return canonical;
        }
        String digits = FORMATTING.matcher(raw).replaceAll("");
        if (!INTERNATIONAL_DIGITS.matcher(digits).matches()) {
            return null;
        }
        String kept = digits.startsWith("+") ? digits : "+" + digits;
        LOG.warn("Kept a WhatsApp id libphonenumber rejects as given: {} digits", kept.length() - 1);
        return kept;
    }

    /**
     * WhatsApp still gives some mobiles in a form their country retired:
     * Mexico's "52 1" + 10 digits (the 1 was dropped in 2019) becomes 52 + 10 digits; Brazil's 12-digit
     * mobile (55, a 2-digit area, 8 digits starting 6-9: landlines start 2-5) gets the ninth digit 9 that
     * every mobile has since 2016, when that makes it a valid mobile.
     */
    private static PhoneNumber todaysForm(PhoneNumber number) {
        String national = PHONES.getNationalSignificantNumber(number);
        if (number.getCountryCode() == MEXICO && national.length() == 11 && national.charAt(0) == '1') {
            return withNational(number, national.substring(1));
        }
        if (number.getCountryCode() == BRAZIL && national.length() == 10 && national.charAt(2) >= '6') {
            PhoneNumber ninth = withNational(number, national.substring(0, 2) + "9" + national.substring(2));
            if (PHONES.getNumberType(ninth) == PhoneNumberType.MOBILE) {
                return ninth;
            }
        }
        return number;
    }

    private static PhoneNumber withNational(PhoneNumber number, String national) {
        return new PhoneNumber().setCountryCode(number.getCountryCode()).setNationalNumber(Long.parseLong(national));
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
