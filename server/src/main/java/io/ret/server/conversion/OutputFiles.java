package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

import io.ret.server.session.archive.EntryNames;

/**
 * Names and creates the CSV files of one conversion inside its output directory, and
 * remembers each file and directory it made so that a failed file, or a failed or
 * cancelled conversion, leaves nothing behind. Used by one thread.
 *
 * <p>Names: {@code <entry without .xml>.csv} for a main table and
 * {@code <entry without .xml>.<table>.csv} for the others. In the table part, characters
 * that are unsafe in file names ({@code / \ : * ? " < > |} and control characters)
 * become '_'; a file name over 200 bytes is cut and given a hash of the full name; a name
 * already taken (ignoring case) gets {@code ~2}, {@code ~3}, ... before {@code .csv}.
 */
final class OutputFiles {

    private static final int MAX_NAME_BYTES = 200;

    /** What had been made and reserved at some point. */
    record Mark(int created, int reserved) {
    }

    private final Path outDir;
    private final List<Path> created = new ArrayList<>();
    private final List<String> reserved = new ArrayList<>();
    private final Set<String> taken = new HashSet<>();

    OutputFiles(Path outDir) {
        this.outDir = outDir;
    }

    Path outDir() {
        return outDir;
    }

    /** A point to {@link #rollback} to. */
    Mark mark() {
        return new Mark(created.size(), reserved.size());
    }

    /** The unique relative path for a table of a source entry. */
    String reserve(String sourcePath, String table) {
        int slash = sourcePath.lastIndexOf('/');
        String directory = sourcePath.substring(0, slash + 1);
        String base = sourcePath.substring(slash + 1);
        String extension = EntryNames.xmlExtension(base);
        if (extension != null) {
            base = base.substring(0, base.length() - extension.length());
        }
        String name = fit(table.isEmpty() ? base : base + "." + safe(table));
        String candidate = directory + name + ".csv";
        for (int n = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)); n++) {
            candidate = directory + name + "~" + n + ".csv";
        }
        taken.add(candidate.toLowerCase(Locale.ROOT));
        reserved.add(candidate);
        return candidate;
    }

    /** The unique relative path of a table of the merged layout: {@code <table>.csv} at the top. */
    String reserveTable(String table) {
        String name = fit(safe(table));
        String candidate = name + ".csv";
        for (int n = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)); n++) {
            candidate = name + "~" + n + ".csv";
        }
        taken.add(candidate.toLowerCase(Locale.ROOT));
        reserved.add(candidate);
        return candidate;
    }

    /** Creates the (empty) file at a reserved relative path, and its directories. */
    Path create(String relative) throws IOException {
        Path file = outDir.resolve(relative).normalize();
        if (!file.startsWith(outDir)) {
            throw new IOException("output path leaves the output directory: " + relative);
        }
        createDirectories(file.getParent());
        created.add(Files.createFile(file));
        return file;
    }

    private void createDirectories(Path directory) throws IOException {
        if (directory == null || Files.isDirectory(directory)) {
            return;
        }
        createDirectories(directory.getParent());
        created.add(Files.createDirectory(directory));
    }

    /** Deletes, newest first, what was made since {@code mark}, and frees the names reserved since. */
    void rollback(Mark mark) throws IOException {
        IOException failure = null;
        while (created.size() > mark.created()) {
            try {
                Files.deleteIfExists(created.removeLast());
            } catch (IOException e) {
                failure = e;
            }
        }
        while (reserved.size() > mark.reserved()) {
            taken.remove(reserved.removeLast().toLowerCase(Locale.ROOT));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String safe(String table) {
        StringBuilder out = new StringBuilder(table.length());
        for (int i = 0; i < table.length(); i++) {
            char c = table.charAt(i);
            out.append(c < 0x20 || c == 0x7f || "/\\:*?\"<>|".indexOf(c) >= 0 ? '_' : c);
        }
        return out.toString();
    }

    private static String fit(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_NAME_BYTES) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        StringBuilder cut = new StringBuilder();
        int used = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > MAX_NAME_BYTES - 12) {
                break;
            }
            cut.appendCodePoint(cp);
            used += size;
            i += Character.charCount(cp);
        }
        return cut + "~" + HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
