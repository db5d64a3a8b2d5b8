package io.ret.server.session.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

import io.ret.server.session.archive.ArchiveRejectedException.Reason;

/**
 * Where each entry's bytes lie in a ZIP file, checked before anything is decompressed:
 * every entry (local header plus compressed data) must lie before the central directory
 * and no two entries may share or overlap bytes. This refuses the "overlapping files" bomb
 * (many central-directory entries pointing at one compressed stream, so a small file
 * expands many times over), as Info-ZIP's unzip (since 6.0 with the CVE-2019-13232 fix)
 * and Go's archive/zip readers do.
 */
final class ZipLayout {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int LOCAL_HEADER_BYTES = 30;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int END_BYTES = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int MAX_COMMENT = 0xffff;

    private record Span(String name, long start, long end) {
    }

    private ZipLayout() {
    }

    /** @throws ArchiveRejectedException OVERLAPPING_ENTRIES or ENTRY_OUT_OF_BOUNDS */
    static void check(Path file, List<ZipArchiveEntry> entries) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long directoryStart = centralDirectoryStart(channel);
            List<Span> spans = new ArrayList<>(entries.size());
            ByteBuffer header = ByteBuffer.allocate(LOCAL_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (ZipArchiveEntry entry : entries) {
                long start = entry.getLocalHeaderOffset();
                String name = EntryNames.printable(entry.getName());
                if (start < 0 || start + LOCAL_HEADER_BYTES > directoryStart) {
                    throw outOfBounds(name, "its local header lies outside the archive's data");
                }
                header.clear();
                readFully(channel, header, start);
                if (header.getInt(0) != LOCAL_HEADER) {
                    throw outOfBounds(name, "no local header where the central directory says it starts");
                }
                long dataStart = start + LOCAL_HEADER_BYTES + Short.toUnsignedInt(header.getShort(26))
                        + Short.toUnsignedInt(header.getShort(28));
                long compressed = entry.getCompressedSize();
                if (compressed < 0 || dataStart + compressed > directoryStart) {
                    throw outOfBounds(name, "its data runs into or past the central directory");
                }
                spans.add(new Span(name, start, dataStart + compressed));
            }
            spans.sort(Comparator.comparingLong(Span::start));
            for (int i = 1; i < spans.size(); i++) {
                Span before = spans.get(i - 1);
                Span span = spans.get(i);
                if (span.start() < before.end()) {
                    throw new ArchiveRejectedException(Reason.OVERLAPPING_ENTRIES, span.name(), "entries '"
                            + before.name() + "' and '" + span.name() + "' share bytes of the archive"
                            + " (overlapping entries, a known zip bomb)");
                }
            }
        }
    }

    private static ArchiveRejectedException outOfBounds(String name, String why) {
        return new ArchiveRejectedException(Reason.ENTRY_OUT_OF_BOUNDS, name, "entry '" + name + "' is out of bounds: " + why);
    }

    /** The offset of the central directory, from the end-of-central-directory record (ZIP64 aware). */
    static long centralDirectoryStart(FileChannel channel) throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, END_BYTES + MAX_COMMENT);
        ByteBuffer buffer = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buffer, size - tail);
        for (int at = tail - END_BYTES; at >= 0; at--) {
            if (buffer.getInt(at) != END_OF_CENTRAL_DIRECTORY) {
                continue;
            }
            long endOffset = size - tail + at;
            long start = Integer.toUnsignedLong(buffer.getInt(at + 16));
            if (start == 0xffffffffL && endOffset >= 20) {
                start = zip64DirectoryStart(channel, endOffset - 20);
            }
            if (start > endOffset) {
                throw new ArchiveRejectedException(Reason.ENTRY_OUT_OF_BOUNDS, null,
                        "the central directory starts past the end of the archive");
            }
            return start;
        }
        throw new ArchiveRejectedException(Reason.NOT_A_ZIP, null, "no end of central directory record");
    }

    private static long zip64DirectoryStart(FileChannel channel, long locatorOffset) throws IOException {
        ByteBuffer locator = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, locator, locatorOffset);
        if (locator.getInt(0) != ZIP64_LOCATOR) {
            return 0xffffffffL;
        }
        long endOffset = locator.getLong(8);
        ByteBuffer end = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        if (endOffset < 0 || endOffset + 56 > channel.size()) {
            throw new ArchiveRejectedException(Reason.NOT_A_ZIP, null, "the ZIP64 end record lies outside the archive");
        }
        readFully(channel, end, endOffset);
        if (end.getInt(0) != ZIP64_END) {
            throw new ArchiveRejectedException(Reason.NOT_A_ZIP, null, "no ZIP64 end record where its locator points");
        }
        return end.getLong(48);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new ArchiveRejectedException(Reason.ENTRY_OUT_OF_BOUNDS, null, "the archive ends early");
            }
            at += n;
        }
    }
}
