package dev.leadline.summary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The Indonesian and English stop word lists, and the word splitting both the topics and the language use. */
final class StopWords {

    static final Set<String> INDONESIAN = load("/summary/stopwords-id.txt");
    static final Set<String> ENGLISH = load("/summary/stopwords-en.txt");
    private StopWords() {
    }

    /**
     * The runs of letters (Unicode category L, as {@code \p{L}}) of the lowercased text, in order. A loop
     * over code points rather than a regex split: it runs for every lead-day of a summary run.
     */
    static List<String> words(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            if (Character.isLetter(cp)) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                words.add(lower.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(lower.substring(start));
        }
        return words;
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
