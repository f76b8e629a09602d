package dev.leadline.summary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The Indonesian and English stop word lists, and the word splitting both the topics and the language use. */
final class StopWords {

    static final Set<String> INDONESIAN = load("/summary/stopwords-id.txt");
    static final Set<String> ENGLISH = load("/summary/stopwords-en.txt");
    private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]+");

    private StopWords() {
    }

    static String[] words(String text) {
        return NON_LETTERS.split(text.toLowerCase(Locale.ROOT));
    }

    static boolean isStopWord(String word) {
        return INDONESIAN.contains(word) || ENGLISH.contains(word);
    }

    private static Set<String> load(String resource) {
        Set<String> words = new HashSet<>();
        try (InputStream in = StopWords.class.getResourceAsStream(resource);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().filter(line -> !line.startsWith("#"))
                    .forEach(line -> words.addAll(Set.of(line.trim().split("\\s+"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        words.remove("");
        return Set.copyOf(words);
    }
}
