package io.ret.server.comparison;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One side's file, opened: encoding from the byte-order mark (UTF-8 with or without BOM, UTF-16
 * LE/BE with BOM, which is transcoded to a temporary UTF-8 file), delimiter from the header line,
 * and the header itself. {@code data} is the UTF-8 file the scanner reads from {@code dataStart}.
 */
record CsvSource(Path data, Path transcoded, long dataStart, byte delimiter, String encoding, List<String> header,
                 boolean empty) implements AutoCloseable {
    private static final byte[] DELIMITERS = {',', ';', '\t', '|'};
    private static final int MAX_HEADER_BYTES = 16 << 20;

    static CsvSource open(Path file, Path workDir) throws IOException {
        byte[] start = readAt(file, 0, 4096);
        if (start.length == 0) {
            return new CsvSource(file, null, 0, (byte) ',', "UTF-8", List.of(), true);
        }
        if (startsWith(start, 0xFF, 0xFE) || startsWith(start, 0xFE, 0xFF)) {
            Charset charset = start[0] == (byte) 0xFF ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
            Path utf8 = transcode(file, charset, workDir);
            try {
                CsvSource source = read(utf8, 0, charset.name() + " (BOM)");
                return new CsvSource(utf8, utf8, source.dataStart, source.delimiter, source.encoding, source.header,
                        source.empty);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(utf8);
                throw e;
            }
        }
        if (startsWith(start, 0xEF, 0xBB, 0xBF)) {
            return read(file, 3, "UTF-8 (BOM)");
        }
        for (byte b : start) {
            if (b == 0) {
                throw new BadInputException("has NUL bytes: UTF-16 without a byte-order mark, or not text");
            }
        }
        return read(file, 0, "UTF-8");
    }

    private static CsvSource read(Path data, long offset, String encoding) throws IOException {
        int want = 64 << 10;
        while (true) {
            byte[] bytes = readAt(data, offset, want);
            boolean eof = bytes.length < want;
            int first = 0;
            while (first < bytes.length && (bytes[first] == '\n' || bytes[first] == '\r')) {
                first++; // blank lines before the header
            }
            if (first == bytes.length) {
                return new CsvSource(data, null, offset, (byte) ',', encoding, List.of(), true);
            }
            byte delimiter = detectDelimiter(bytes, first);
            RecordParser.Record header = RecordParser.parse(bytes, first, bytes.length, eof, delimiter);
            if (header != null) {
                int bad = Utf8.firstInvalid(bytes, 0, header.end());
                if (bad >= 0) {
                    throw new BadInputException("invalid UTF-8 in the header at byte " + (offset + bad));
                }
                checkNames(header.cells());
                return new CsvSource(data, null, offset + header.end(), delimiter, encoding, header.cells(), false);
            }
            if (want >= MAX_HEADER_BYTES) {
                throw new BadInputException("header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            want *= 4;
        }
    }

    /** The candidate seen most often outside quotes on the first line; ties go to the earlier of , ; TAB |. */
    static byte detectDelimiter(byte[] bytes, int from) {
        int[] counts = new int[DELIMITERS.length];
        boolean quoted = false;
        for (int p = from; p < bytes.length; p++) {
            byte b = bytes[p];
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted && (b == '\n' || b == '\r')) {
                break;
            } else if (!quoted) {
                for (int i = 0; i < DELIMITERS.length; i++) {
                    if (b == DELIMITERS[i]) {
                        counts[i]++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < DELIMITERS.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return DELIMITERS[best];
    }

    static String describe(byte delimiter) {
        return switch (delimiter) {
            case '\t' -> "TAB";
            default -> "'" + (char) delimiter + "'";
        };
    }

    private static void checkNames(List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new BadInputException("column '" + name + "' appears twice in the header");
            }
        }
    }

    private static Path transcode(Path file, Charset charset, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path utf8 = Files.createTempFile(workDir, "ret-diff-", ".utf8.csv");
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(2);
            try (Reader reader = new InputStreamReader(in, charset.newDecoder());
                 Writer writer = new BufferedWriter(Files.newBufferedWriter(utf8), 1 << 16)) {
                reader.transferTo(writer);
            }
        } catch (CharacterCodingException e) {
            Files.deleteIfExists(utf8);
            throw new BadInputException("invalid " + charset.name() + " text");
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(utf8);
            throw e;
        }
        return utf8;
    }

    private static byte[] readAt(Path file, long offset, int max) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, Math.max(0, channel.size() - offset)));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // keep reading until full or end of file
            }
            return buffer.hasRemaining() ? Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        if (transcoded != null) {
            Files.deleteIfExists(transcoded);
        }
    }
}
