package io.ret.server.session.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds ZIP files for tests, including ones no honest tool would write. */
public final class ZipBytes {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;

    private ZipBytes() {
    }

    /** A ZIP of the entries in order (String contents as UTF-8), deflated. */
    public static byte[] zip(Map<String, ?> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, ?> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                Object content = entry.getValue();
                zip.write(content instanceof byte[] b ? b : content.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    public static Path write(Path file, byte[] zip) throws IOException {
        return Files.write(file, zip);
    }

    /** Sets general-purpose flag bit 0 (encrypted) on every header of the named entry. */
    public static byte[] markEncrypted(byte[] zip, String name) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        forEachHeader(buffer, name, (offset, central) -> {
            int flagAt = offset + (central ? 8 : 6);
            buffer.putShort(flagAt, (short) (buffer.getShort(flagAt) | 1));
        });
        return zip;
    }

    /** Overwrites the declared uncompressed size of the named entry in its headers (a lying header). */
    public static byte[] declareSize(byte[] zip, String name, int size) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        forEachHeader(buffer, name, (offset, central) -> buffer.putInt(offset + (central ? 24 : 22), size));
        return zip;
    }

    private interface HeaderAction {
        void apply(int offset, boolean central);
    }

    private static void forEachHeader(ByteBuffer buffer, String name, HeaderAction action) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 4 <= buffer.limit(); i++) {
            int signature = buffer.getInt(i);
            boolean central = signature == CENTRAL_HEADER;
            if (!central && signature != LOCAL_HEADER) {
                continue;
            }
            int nameLength = Short.toUnsignedInt(buffer.getShort(i + (central ? 28 : 26)));
            int nameAt = i + (central ? 46 : 30);
            if (nameLength == wanted.length && nameAt + nameLength <= buffer.limit()
                    && java.util.Arrays.equals(buffer.array(), nameAt, nameAt + nameLength, wanted, 0, wanted.length)) {
                action.apply(i, central);
            }
        }
    }
}
