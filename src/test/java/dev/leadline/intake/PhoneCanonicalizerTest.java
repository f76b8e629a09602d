package dev.leadline.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneCanonicalizerTest {

    final PhoneCanonicalizer phones = new PhoneCanonicalizer();

    @ParameterizedTest
    @CsvSource({
        "'+62 812-3456-7890', ID, +6281234567890",
        "6281234567890,       ID, +6281234567890",
        "081234567890,        ID, +6281234567890",
        "006281234567890,     ID, +6281234567890",
        "'(0812) 3456 7890',  ID, +6281234567890",
        "+14155552671,        ID, +14155552671",
        "0412 345 678,        AU, +61412345678",
    })
    void canonicalisesEveryFormatToE164(String raw, String country, String expected) {
        assertEquals(expected, phones.toE164(raw, country));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "+62 12", "hello", "0", "+999123456789", "'; DROP TABLE lead; --"})
    void rejectsWhatIsNotAPhoneNumber(String raw) {
        assertNull(phones.toE164(raw, "ID"));
    }

    @ParameterizedTest
    @CsvSource({
        // Mexico: WhatsApp's 52 1 + 10 digits is today's 52 + 10 digits, in every format
        "+5215512345678,        ID, +525512345678",
        "'+52 1 55 1234 5678',  ID, +525512345678",
        "+525512345678,         ID, +525512345678",
        "+5218112345678,        ID, +528112345678",
        // Brazil: a 12-digit mobile (area + 8 digits from 6-9) gets its ninth digit 9
        "+552198765432,         ID, +5521998765432",
        "+5521998765432,        ID, +5521998765432",
        "+551161234567,         ID, +5511961234567",
        "'(21) 9876-5432',      BR, +5521998765432",
        // a Brazilian landline (8 digits from 2-5) is not a mobile: no 9
        "+551132654321,         ID, +551132654321",
    })
    void bringsWhatsAppsMexicanAndBrazilianMobilesToTodaysForm(String raw, String country, String expected) {
        assertEquals(expected, phones.toE164(raw, country));
    }

    @ParameterizedTest
    @CsvSource({
        "+6591234567,    +6591234567",     // valid: canonical as usual
        "+5215512345678, +525512345678",   // normalised first
        "+99912345678,   +99912345678",    // a calling code libphonenumber does not know: kept as given
        "+6212345,       +6212345",        // too short for Indonesia, yet WhatsApp verified it
    })
    void keepsAWhatsAppIdLibphonenumberRejectsAsItsDigits(String raw, String expected) {
        assertEquals(expected, phones.whatsAppIdToE164(raw, "ID"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+12345", "+0123456789", "+1234567890123456", "+62812x4567890", "081234"})
    void aWhatsAppIdMustStillBeInternationalDigits(String raw) {
        assertNull(phones.whatsAppIdToE164(raw, "ID"));
    }
}
