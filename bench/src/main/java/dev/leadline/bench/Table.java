package dev.leadline.bench;

import java.util.ArrayList;
import java.util.List;

/** The benchmark output: workload, figure, limit, ratio, as an aligned text (and Markdown) table. */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();

    /** Also printed at once (prefixed "row:"), so that a long run that fails later keeps what it measured. */
    void add(String workload, String figure, String limit, String ratio) {
        rows.add(new String[] {workload, figure, limit, ratio});
        System.out.println("row: | " + String.join(" | ", workload, figure, limit, ratio) + " |");
    }

    List<String[]> rows() {
        return rows;
    }

    void print() {
        System.out.println();
        System.out.println(Machine.describe());
        System.out.println();
        System.out.println("| workload | figure | limit | ratio |");
        System.out.println("|---|---|---|---|");
        for (String[] row : rows) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
        System.out.println();
    }
}
