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

    /**
     * {@code count} deflated entries {@code <prefix><i>.xml} of the same content, compressed once.
     * With {@code shareData} one local header and one compressed stream serve every
     * central-directory entry (the "overlapping files" bomb); otherwise each entry has its own
     * copy, as an honest tool would write it (the "many small entries" bomb).
     */
    public static byte[] sameContent(String prefix, byte[] content, int count, boolean shareData) throws IOException {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        ByteArrayOutputStream compressedOut = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            compressedOut.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        byte[] data = compressedOut.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] offsets = new int[count];
        for (int i = 0; i < count; i++) {
            if (shareData && i > 0) {
                offsets[i] = 0;
                continue;
            }
            offsets[i] = out.size();
            byte[] name = (prefix + i + ".xml").getBytes(StandardCharsets.UTF_8);
            ByteBuffer header = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(LOCAL_HEADER).putShort((short) 20).putShort((short) 0).putShort((short) 8)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue()).putInt(data.length)
                    .putInt(content.length).putShort((short) name.length).putShort((short) 0);
            out.write(header.array());
            out.write(name);
            out.write(data);
        }
        int directoryStart = out.size();
        for (int i = 0; i < count; i++) {
            byte[] name = (prefix + i + ".xml").getBytes(StandardCharsets.UTF_8);
            ByteBuffer header = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(CENTRAL_HEADER).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) 8).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(data.length).putInt(content.length).putShort((short) name.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(offsets[i]);
            out.write(header.array());
            out.write(name);
        }
        int directorySize = out.size() - directoryStart;
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count)
                .putShort((short) count).putInt(directorySize).putInt(directoryStart).putShort((short) 0);
        out.write(end.array());
        return out.toByteArray();
    }

    /** Overwrites the compressed size in the named entry's central-directory record (data running past its end). */
    public static byte[] declareCompressedSize(byte[] zip, String name, int size) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        forEachHeader(buffer, name, (at, central) -> {
            if (central) {
                buffer.putInt(at + 20, size);
            }
        });
        return zip;
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
