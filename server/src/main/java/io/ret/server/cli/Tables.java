package io.ret.server.cli;

import java.util.List;

/** Plain-text tables: columns as wide as their widest cell, up to a limit (longer cells end in "…"). */
final class Tables {
    private Tables() {
    }

    static void print(Output out, List<List<String>> rows, int maxWidth) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.min(maxWidth, Math.max(widths[i], cell(row.get(i), maxWidth).length()));
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String value = i < row.size() ? cell(row.get(i), maxWidth) : "";
                line.append(i == 0 ? "" : "  ").append(value).append(" ".repeat(widths[i] - value.length()));
            }
            out.text(line.toString().stripTrailing());
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
                }
                out.text(rule.toString());
            }
        }
    }

    private static String cell(String value, int maxWidth) {
        String flat = value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return flat.length() <= maxWidth ? flat : flat.substring(0, Math.max(1, maxWidth - 1)) + "…";
    }
}
