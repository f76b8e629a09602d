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
}
