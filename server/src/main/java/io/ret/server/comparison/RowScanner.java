package io.ret.server.comparison;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one side's data rows and hands each on as (row number, offset, key hash, row hash)
 * without building strings: an unquoted cell is located, hashed and checked for non-ASCII bytes
 * in one word-at-a-time pass, and validated as UTF-8 only when it has non-ASCII bytes. Quoting rules
 * are those of {@link RecordParser}. Blank lines are skipped and not counted.
 */
final class RowScanner {
    interface RowConsumer {
        void row(long rowNo, long offset, long keyHash, long rowHash) throws IOException;
    }

    /** What the scan saw besides the rows it passed on. */
    record Stats(long rows, long raggedRows, long firstRaggedRow, int firstRaggedCells, long emptyKeyRows,
                 long firstEmptyKeyRow) {
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long LF_PATTERN = ONES * '\n';
    private static final long CR_PATTERN = ONES * '\r';
    private static final int MAX_ROW_BYTES = 256 << 20;

    private final CsvSource source;
    private final ColumnPlan.Side side;
    private final List<String> header;
    private final Normalizer normalizer;
    private final Checkpoint checkpoint;
    private final byte delimiter;
    private final long delimiterPattern;
    /** Odd per-column multipliers: the row hash is the sum of cell hash × multiplier, so column order does not matter. */
    private final long[] slotWeight;
    private final long emptyHash;
    private final int keyCount;

    private byte[] buf = new byte[1 << 20];
    private int limit;
    private long bufStart;
    private boolean eof;
    private byte[] cellBuf = new byte[256];
    private final boolean normalizes;
    // set by scanCell for the cell it passed over
    private long cellHash;
    private boolean cellNonAscii;

    // state of the row being parsed; reset at each (re)start of a row
    private long rowHash;
    private final long[] keyCells;
    private boolean emptyKey;
    private int rowEnd;
    private long rowNo;

    RowScanner(CsvSource source, ColumnPlan.Side side, int slots, int keyCount, DiffOptions options,
               Checkpoint checkpoint) {
        this.source = source;
        this.side = side;
        this.header = source.header();
        this.normalizer = new Normalizer(options);
        this.normalizes = options.trimWhitespace() || options.ignoreCase();
        this.checkpoint = checkpoint;
        this.delimiter = source.delimiter();
        this.delimiterPattern = ONES * (delimiter & 0xFF);
        this.keyCount = keyCount;
        this.keyCells = new long[keyCount];
        this.slotWeight = new long[slots];
        for (int s = 0; s < slots; s++) {
            slotWeight[s] = Hashing.mix((s + 1) * 0x9E3779B97F4A7C15L) | 1;
        }
        this.emptyHash = normalizer.hash(new byte[0], 0, 0, false);
    }

    Stats scan(RowConsumer out) throws IOException {
        long ragged = 0, firstRagged = 0, emptyKeys = 0, firstEmptyKey = 0;
        int firstRaggedCells = 0;
        long reported = 0;
        long reportedByte = 0; // the header counts too, so the bytes add up to the file size
        try (FileChannel channel = FileChannel.open(source.data())) {
            long position = source.dataStart();
            bufStart = position;
            position = fill(channel, position);
            int p = 0;
            while (true) {
                if (p >= limit) {
                    if (eof) {
                        break;
                    }
                    p = compact(p);
                    position = fill(channel, position);
                    continue;
                }
                byte first = buf[p];
                if (first == '\n' || first == '\r') {
                    p++;
                    continue;
                }
                int cells = parseRow(p);
                if (cells < 0) {
                    if (p == 0 && limit == buf.length) {
                        if (buf.length >= MAX_ROW_BYTES) {
                            throw new BadInputException("data row " + (rowNo + 1) + " is longer than "
                                    + MAX_ROW_BYTES + " bytes");
                        }
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                    p = compact(p);
                    position = fill(channel, position);
                    continue;
                }
                rowNo++;
                if (cells != side.headerSize()) {
                    if (ragged++ == 0) {
                        firstRagged = rowNo;
                        firstRaggedCells = cells;
                    }
                    padMissing(cells);
                }
                if (emptyKey && emptyKeys++ == 0) {
                    firstEmptyKey = rowNo;
                }
                out.row(rowNo, bufStart + p, keyHash(), rowHash);
                p = rowEnd;
                if (rowNo - reported >= Checkpoint.EVERY) {
                    checkpoint.rows(rowNo - reported, bufStart + p - reportedByte);
                    reported = rowNo;
                    reportedByte = bufStart + p;
                }
            }
        }
        checkpoint.rows(rowNo - reported, Math.max(0, bufStart + limit - reportedByte));
        return new Stats(rowNo, ragged, firstRagged, firstRaggedCells, emptyKeys, firstEmptyKey);
    }

    private long keyHash() {
        if (keyCount == 0) {
            return rowHash;
        }
        long h = 0;
        for (long cell : keyCells) {
            h = Hashing.mix(h * 31 + cell);
        }
        return h;
    }

    /** Parses the row at {@code p}; returns its cell count (end in {@link #rowEnd}), or -1 if it is incomplete. */
    private int parseRow(int p) {
        rowHash = 0;
        emptyKey = false;
        Arrays.fill(keyCells, emptyHash);
        int col = 0;
        while (true) {
            if (p < limit && buf[p] == '"') {
                int q = p + 1;
                boolean escaped = false;
                while (true) {
                    while (q < limit && buf[q] != '"') {
                        q++;
                    }
                    if (q >= limit) {
                        if (!eof) {
                            return -1;
                        }
                        throw new BadInputException("unterminated quoted value in data row " + (rowNo + 1));
                    }
                    if (q + 1 >= limit && !eof) {
                        return -1;
                    }
                    if (q + 1 < limit && buf[q + 1] == '"') {
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                int t = findStop(q + 1);
                if (t >= limit && !eof) {
                    return -1;
                }
                if (escaped || t > q + 1) {
                    int n = unquote(p + 1, q, t);
                    cell(col, cellBuf, 0, n, Hashing.hasNonAscii(cellBuf, 0, n), false);
                } else {
                    cell(col, buf, p + 1, q, Hashing.hasNonAscii(buf, p + 1, q), false);
                }
                p = t;
            } else {
                int t = scanCell(p);
                if (t >= limit && !eof) {
                    return -1;
                }
                cell(col, buf, p, t, cellNonAscii, true);
                p = t;
            }
            col++;
            if (p >= limit) {
                rowEnd = p;
                return col;
            }
            byte c = buf[p];
            if (c == delimiter) {
                p++;
                continue;
            }
            if (c == '\r') {
                if (p + 1 >= limit && !eof) {
                    return -1;
                }
                rowEnd = p + 1 < limit && buf[p + 1] == '\n' ? p + 2 : p + 1;
            } else {
                rowEnd = p + 1;
            }
            return col;
        }
    }

    /** First index at or after {@code p} holding the delimiter, CR or LF, else {@code limit}. */
    private int findStop(int p) {
        while (p + 8 <= limit) {
            long word = (long) Hashing.LONGS.get(buf, p);
            long found = zeroBytes(word ^ delimiterPattern) | zeroBytes(word ^ LF_PATTERN) | zeroBytes(word ^ CR_PATTERN);
            if (found != 0) {
                return p + (firstByte(found));
            }
            p += 8;
        }
        while (p < limit && buf[p] != delimiter && buf[p] != '\n' && buf[p] != '\r') {
            p++;
        }
        return p;
    }

    /**
     * {@link #findStop} that also hashes the bytes it passes ({@link Hashing#hash} of the cell)
     * and notes whether any is non-ASCII, so an unquoted cell is read once.
     */
    private int scanCell(int p) {
        int start = p;
        long h = Hashing.SEED;
        long seen = 0;
        while (p + 8 <= limit) {
            long word = (long) Hashing.LONGS.get(buf, p);
            long found = zeroBytes(word ^ delimiterPattern) | zeroBytes(word ^ LF_PATTERN) | zeroBytes(word ^ CR_PATTERN);
            if (found != 0) {
                int before = firstByte(found);
                if (before > 0) {
                    long tail = word & (-1L >>> (64 - (before << 3)));
                    seen |= tail;
                    h = Hashing.round(h, tail);
                }
                p += before;
                cellHash = Hashing.finish(h, p - start);
                cellNonAscii = (seen & Hashing.HIGH_BITS) != 0;
                return p;
            }
            seen |= word;
            h = Hashing.round(h, word);
            p += 8;
        }
        long tail = 0;
        int shift = 0;
        while (p < limit && buf[p] != delimiter && buf[p] != '\n' && buf[p] != '\r') {
            tail |= (buf[p] & 0xFFL) << shift;
            shift += 8;
            p++;
        }
        if (shift > 0) {
            seen |= tail;
            h = Hashing.round(h, tail);
        }
        cellHash = Hashing.finish(h, p - start);
        cellNonAscii = (seen & Hashing.HIGH_BITS) != 0;
        return p;
    }

    /**
     * Index of the lowest byte flagged in {@code found} (flags are high bits, 0x80 per byte), by
     * multiplication: cheaper than {@link Long#numberOfTrailingZeros} where the JIT does not
     * turn that into one instruction (C1, which suits short command-line runs).
     */
    private static int firstByte(long found) {
        return (int) ((((found & -found) >>> 7) * 0x0001020304050607L) >>> 56);
    }

    /** High bit set in each zero byte (exact for the lowest one, which is all we use). */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & Hashing.HIGH_BITS;
    }

    /** Copies a quoted value without its {@code ""} escapes, plus any text after the closing quote. */
    private int unquote(int from, int closingQuote, int stop) {
        int need = stop - from;
        if (cellBuf.length < need) {
            cellBuf = new byte[Math.max(need, cellBuf.length * 2)];
        }
        int n = 0;
        for (int i = from; i < closingQuote; i++) {
            cellBuf[n++] = buf[i];
            if (buf[i] == '"') {
                i++;
            }
        }
        for (int i = closingQuote + 1; i < stop; i++) {
            cellBuf[n++] = buf[i];
        }
        return n;
    }

    /** {@code hashed}: {@link #cellHash} holds the raw hash of these bytes. */
    private void cell(int col, byte[] b, int from, int to, boolean nonAscii, boolean hashed) {
        if (nonAscii) {
            int bad = Utf8.firstInvalid(b, from, to);
            if (bad >= 0) {
                String column = col < header.size() ? "column '" + header.get(col) + "'" : "cell " + (col + 1);
                throw new BadInputException("invalid UTF-8 in data row " + (rowNo + 1) + ", " + column);
            }
        }
        if (col >= side.headerSize()) {
            return;
        }
        int slot = side.slotOf()[col];
        int key = side.keyPosOf()[col];
        if (slot < 0 && key < 0) {
            return;
        }
        long h = hashed && !normalizes ? cellHash : normalizer.hash(b, from, to, nonAscii);
        if (slot >= 0) {
            rowHash += h * slotWeight[slot];
        }
        if (key >= 0) {
            keyCells[key] = h;
            if (to == from || normalizes && normalizer.trimmedLength(b, from, to) == 0) {
                emptyKey = true;
            }
        }
    }

    /** A short row reads as if its missing cells were empty. */
    private void padMissing(int cells) {
        for (int col = cells; col < side.headerSize(); col++) {
            int slot = side.slotOf()[col];
            if (slot >= 0) {
                rowHash += emptyHash * slotWeight[slot];
            }
            if (side.keyPosOf()[col] >= 0) {
                emptyKey = true;
            }
        }
    }

    private int compact(int p) {
        System.arraycopy(buf, p, buf, 0, limit - p);
        bufStart += p;
        limit -= p;
        return 0;
    }

    private long fill(FileChannel channel, long position) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buf, limit, buf.length - limit);
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                eof = true;
                break;
            }
            position += n;
        }
        limit = target.position();
        return position;
    }
}
