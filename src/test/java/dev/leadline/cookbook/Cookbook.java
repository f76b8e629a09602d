package dev.leadline.cookbook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The snippets of docs/cookbook.md, as its recipes show them: the fenced block after a
 * {@code <!-- cookbook: name -->} line, without the indentation of the list item it sits in. The tests
 * write these into a working directory, so the document and its tests can't drift apart.
 */
final class Cookbook {

    static final Path DOCUMENT = Path.of("docs", "cookbook.md");

    private Cookbook() {
    }

    static String snippet(String name) throws IOException {
        List<String> lines = Files.readAllLines(DOCUMENT);
        int marker = lines.indexOf(lines.stream().filter(l -> l.strip().equals("<!-- cookbook: " + name + " -->"))
                .findFirst().orElseThrow(() -> new AssertionError("docs/cookbook.md has no snippet " + name)));
        String fence = lines.get(marker + 1);
        assertTrue(fence.strip().startsWith("```"), "a fenced block follows the marker of " + name + ": " + fence);
        int indent = fence.indexOf('`');
        StringBuilder text = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).strip().equals("```"); i++) {
            String line = lines.get(i);
            text.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return text.toString();
    }
}
