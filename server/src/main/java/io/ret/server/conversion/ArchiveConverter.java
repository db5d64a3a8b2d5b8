package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

import io.ret.server.session.archive.ArchiveKind;
import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ArchiveReader;
import io.ret.server.session.archive.ArchiveRejectedException;
import io.ret.server.session.archive.Inventory;
import io.ret.server.session.archive.InventoryEntry;

/**
 * Converts every XML file of an archive (a ZIP file or a directory) into CSV files in an
 * output directory, streaming, under the archive's limits. A file that cannot be
 * converted fails alone and leaves nothing; the conversion as a whole fails (and removes
 * everything it wrote) only when the archive is refused, a limit is crossed while
 * reading, the output cannot be written, or it is cancelled.
 *
 * <p>Three passes: files are scanned into spills ({@link Spill}: in memory when small, else a
 * file) by up to one thread per core, at most four, and their shapes merged in path order;
 * once every file is read, the tables are planned and every spill is replayed to find the
 * keys, counting each file's rows; then runs of consecutive files are written by up to one
 * thread per core again, each run into part files of its own, with the row ids a single
 * writer would have given (they go on from the rows of the files before), while the calling
 * thread puts the parts together in path order. Writers run at most twice their number of
 * runs ahead of it, so few parts exist at once. Outputs are named and assembled in path
 * order, so the result does not depend on timing or the number of threads.
 * Thread-safe: each call is independent.
 */
public final class ArchiveConverter {

    /** What a scanning thread hands to the calling one, in file order. */
    private sealed interface Step {
    }

    private record Read(FileConverter.Scanned scanned) implements Step {
    }

    private record Failed(FileFailure failure) implements Step {
    }

    private record Stopped(Throwable cause) implements Step {
    }

    private final ConversionOptions options;
    private final ArchiveLimits limits;
    private final int maxThreads;
    private final long heldSpillBytes;

    /** Most XML a write job takes (merged layout): small files share parts, large ones keep the writers busy. */
    private static final long JOB_BYTES = 1024 * 1024;
    /** Spill bytes one conversion holds in memory (see {@link Spill}). */
    private static final long HELD_SPILL_BYTES = 32 * 1024 * 1024;

    public ArchiveConverter(ConversionOptions options, ArchiveLimits limits) {
        this(options, limits, Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4));
    }

    /**
     * With at most {@code maxThreads} scanning threads and as many writing ones (tests use this
     * to force more than the cores, or one).
     */
    ArchiveConverter(ConversionOptions options, ArchiveLimits limits, int maxThreads) {
        this(options, limits, maxThreads, HELD_SPILL_BYTES);
    }

    /** ... and at most {@code heldSpillBytes} of spills in memory (tests use 0: every spill a file). */
    ArchiveConverter(ConversionOptions options, ArchiveLimits limits, int maxThreads, long heldSpillBytes) {
        this.options = options;
        this.limits = limits;
        this.maxThreads = maxThreads;
        this.heldSpillBytes = heldSpillBytes;
    }

    /**
     * @param archive  a ZIP file, or a directory of XML files
     * @param outDir   where the CSV files go (created if missing); meant to be a staging
     *                 directory that the caller publishes on success
     * @throws ArchiveRejectedException     the archive is refused, before or while reading
     * @throws ConversionCancelledException {@code progress} asked to stop
     * @throws IOException                  the archive cannot be read or the output written
     */
    public ConversionSummary convert(Path archive, Path outDir, ConversionProgress progress) throws IOException {
        boolean madeOutDir = !Files.isDirectory(outDir);
        Files.createDirectories(outDir);
        Path realOutDir = outDir.toRealPath();
        OutputFiles files = new OutputFiles(realOutDir);
        try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
            return convert(reader, realOutDir, files, new SerialProgress(progress));
        } catch (IOException | RuntimeException | Error e) {
            removeAll(files, outDir, madeOutDir, e);
            if (e instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause(); // a directory walk reports failures unchecked
            }
            throw e;
        }
    }

    /** A file read, measured and merged into its record type's archive-wide schema. */
    private static final class Prepared {
        final InventoryEntry entry;
        final Spill spill;
        final Schema.FileMap map;
        /** Per table index, the file's rows; counted by the key check. */
        long[] rows;

        Prepared(InventoryEntry entry, Spill spill, Schema.FileMap map) {
            this.entry = entry;
            this.spill = spill;
            this.map = map;
        }

        InventoryEntry entry() {
            return entry;
        }

        Spill spill() {
            return spill;
        }

        Schema.FileMap map() {
            return map;
        }
    }

    /**
     * Consecutive files of one record type that the write pass writes into one set of parts,
     * and the last row id of each table in the files before them.
     */
    private record Job(Group group, List<Prepared> files, long[] lastIds) {

        long bytes() {
            return files.stream().mapToLong(file -> file.entry().sizeBytes()).sum();
        }
    }

    /** What a writing thread hands back, in file order: the file's parts, or why it stopped. */
    private record Written(TableWriter.FileTables tables, Throwable failure) {
    }

    /** The files of one document element: one record type, one plan. */
    private static final class Group {
        final Schema schema;
        final List<Prepared> files = new ArrayList<>();
        TablePlan plan;

        Group(Schema schema) {
            this.schema = schema;
        }
    }

    private ConversionSummary convert(ArchiveReader reader, Path outDir, OutputFiles files, SerialProgress progress)
            throws IOException {
        Inventory inventory = reader.inventory();
        if (inventory.kind() != ArchiveKind.XML) {
            throw new ArchiveRejectedException(ArchiveRejectedException.Reason.NO_DATA_ENTRIES, null,
                    "the archive holds no .xml file to convert (it is an archive of CSV files)");
        }
        List<InventoryEntry> xmlFiles = inventory.dataEntries();
        progress.start(inventory.uncompressedBytes());
        Map<String, Group> groups = new LinkedHashMap<>();
        List<FileFailure> failures = new ArrayList<>();
        try {
            read(reader, xmlFiles, outDir, progress, groups, failures);
            progress.readDone();
            plan(groups, failures);
            checkKeys(groups, failures, progress);
            progress.checkDone();
            ConversionSummary summary = write(groups, xmlFiles, failures, files, progress);
            progress.finished();
            return summary;
        } finally {
            for (Group group : groups.values()) {
                for (Prepared file : group.files) {
                    file.spill().delete();
                }
            }
        }
    }

    /** First pass: scans every file (several threads) and merges each one's shape in path order. */
    private void read(ArchiveReader reader, List<InventoryEntry> xmlFiles, Path outDir, SerialProgress progress,
            Map<String, Group> groups, List<FileFailure> failures) throws IOException {
        progress.filesDone(0, xmlFiles.size());
        FileConverter converter = new FileConverter(options, progress, outDir, new Spill.Budget(heldSpillBytes));
        int scanners = Math.clamp(xmlFiles.size(), 1, maxThreads);
        ScanSlots<Step> slots = new ScanSlots<>(xmlFiles.size(), Math.max(scanners + 1, xmlFiles.size()));
        List<Thread> scanning = new ArrayList<>();
        for (int i = 1; i <= scanners; i++) {
            scanning.add(Thread.ofPlatform().name("ret-convert-scan-" + i).daemon()
                    .start(() -> scanFiles(reader, xmlFiles, converter, slots, progress)));
        }
        try {
            for (int file = 0; file < xmlFiles.size(); file++) {
                switch (take(slots, file, progress)) {
                    case Read read -> {
                        FileConverter.Scanned scanned = read.scanned();
                        try {
                            Group group = groups.get(scanned.schema().rootKey());
                            if (group == null) {
                                group = new Group(new Schema(options.qualifyWithNamespaceUri()));
                                PreviousLayout.seed(group.schema, scanned.schema().root().name, options.previousLayout());
                                groups.put(scanned.schema().rootKey(), group);
                            }
                            group.files.add(new Prepared(xmlFiles.get(file), scanned.spill(),
                                    group.schema.merge(scanned.schema())));
                        } catch (FileConversionException e) {
                            scanned.spill().delete();
                            failures.add(e.toFailure(scanned.sourcePath()));
                        }
                    }
                    case Failed failed -> failures.add(failed.failure());
                    case Stopped stopped -> throw rethrow(stopped.cause());
                }
                progress.filesDone(file + 1, xmlFiles.size());
            }
        } catch (IOException | RuntimeException | Error e) {
            progress.stop(); // the scanners give up at their next check
            throw e;
        } finally {
            List<Step> neverTaken = slots.stop(); // a scanner still at work deletes its own spill
            scanning.forEach(ArchiveConverter::join);
            for (Step left : neverTaken) {
                if (left instanceof Read read) {
                    read.scanned().spill().delete();
                }
            }
        }
    }

    /** Decides each record type's tables; a record element that a type lacks fails its files. */
    private void plan(Map<String, Group> groups, List<FileFailure> failures) {
        Set<String> forced = PreviousLayout.childTablePaths(options.previousLayout());
        Set<String> names = new HashSet<>();
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
            Group group = it.next();
            String prefix = groups.size() > 1 ? group.schema.root().name + "." : "";
            try {
                group.plan = TablePlan.of(group.schema, options, forced, prefix);
            } catch (FileConversionException e) {
                fail(group.files, e, failures);
                it.remove();
                continue;
            }
            for (TablePlan.Table table : group.plan.tables) {
                if (!names.add(table.name)) {
                    throw new IllegalStateException("two record types make table '" + table.name + "'");
                }
            }
        }
    }

    /**
     * Second pass: replays every file to find the keys and count each file's rows; a file that
     * cannot be replayed fails alone here. Without given keys the files are split, by size, into
     * one run of consecutive files per thread, each with a detector of its own, merged in file
     * order afterwards; given keys are checked on one thread, so that the first row breaking one
     * is named with its place in the table.
     */
    private void checkKeys(Map<String, Group> groups, List<FileFailure> failures, SerialProgress progress)
            throws IOException {
        for (Group group : groups.values()) {
            List<List<Prepared>> runs = runs(group.files, options.keyColumns().isEmpty() ? maxThreads : 1);
            List<KeyCheck> checks = new ArrayList<>();
            for (List<Prepared> run : runs) {
                checks.add(new KeyCheck(detector(group.plan), run));
            }
            List<Thread> checking = new ArrayList<>();
            for (KeyCheck check : checks.subList(1, checks.size())) {
                checking.add(Thread.ofPlatform().name("ret-convert-check").daemon()
                        .start(() -> check.run(group.plan, progress)));
            }
            checks.getFirst().run(group.plan, progress);
            checking.forEach(ArchiveConverter::join);
            KeyDetector detector = checks.getFirst().detector;
            Throwable stopped = checks.stream().map(check -> check.stopped).filter(Objects::nonNull)
                    .min(Comparator.comparing(e -> e instanceof ConversionCancelledException)) // the cause, not its echo
                    .orElse(null);
            if (stopped != null) {
                throw rethrow(stopped);
            }
            for (KeyCheck check : checks) {
                if (check != checks.getFirst()) {
                    detector.absorb(check.detector);
                }
                for (Prepared file : check.failed.keySet()) {
                    group.files.remove(file);
                    failures.add(check.failed.get(file));
                }
            }
            String broken = detector.givenKeyProblem();
            if (broken != null) {
                throw new KeyColumnRejectedException(KeyColumnRejectedException.Reason.NOT_UNIQUE, broken);
            }
            detector.decide(!group.files.isEmpty());
        }
    }

    private KeyDetector detector(TablePlan plan) {
        try {
            return new KeyDetector(plan, options.keyColumns());
        } catch (KeyDetector.KeyColumnException e) {
            throw new KeyColumnRejectedException(KeyColumnRejectedException.Reason.UNKNOWN, e.getMessage());
        }
    }

    /** {@code files} cut into at most {@code count} runs of consecutive files of about equal size. */
    private static List<List<Prepared>> runs(List<Prepared> files, int count) {
        long total = files.stream().mapToLong(f -> f.entry().sizeBytes()).sum();
        List<List<Prepared>> runs = new ArrayList<>(List.of(new ArrayList<>()));
        long done = 0;
        for (Prepared file : files) {
            if (!runs.getLast().isEmpty() && runs.size() < count && done >= total * runs.size() / count) {
                runs.add(new ArrayList<>());
            }
            runs.getLast().add(file);
            done += file.entry().sizeBytes();
        }
        return runs;
    }

    /** One thread's share of the key check: a run of consecutive files and what they showed. */
    private final class KeyCheck {
        final KeyDetector detector;
        final List<Prepared> files;
        final Map<Prepared, FileFailure> failed = new LinkedHashMap<>();
        Throwable stopped;

        KeyCheck(KeyDetector detector, List<Prepared> files) {
            this.detector = detector;
            this.files = files;
        }

        void run(TablePlan plan, SerialProgress progress) {
            try {
                RowReplay replay = new RowReplay(plan, options, progress, detector.cellsRead());
                for (Prepared file : files) {
                    if (progress.cancelled()) {
                        throw new ConversionCancelledException();
                    }
                    progress.phase("checking keys in " + file.entry().path());
                    detector.file(file.entry().path());
                    long[] before = replay.lastIds();
                    try (SpillReader spill = file.spill().reader()) {
                        replay.replay(spill, file.map(), detector);
                        file.rows = replay.lastIds();
                        for (int table = 0; table < before.length; table++) {
                            file.rows[table] -= before[table];
                        }
                    } catch (FileConversionException e) {
                        file.spill().delete();
                        failed.put(file, e.toFailure(file.entry().path()));
                    }
                    progress.checked(file.entry().sizeBytes());
                }
            } catch (IOException | RuntimeException | Error e) {
                stopped = e;
                progress.stop(); // the other runs give up before their next file
            }
        }
    }

    /**
     * Third pass: writes the files (several threads, each file into parts of its own), puts
     * the parts together in path order, and writes the schema beside the tables.
     */
    private ConversionSummary write(Map<String, Group> groups, List<InventoryEntry> xmlFiles,
            List<FileFailure> failures, OutputFiles files, SerialProgress progress) throws IOException {
        int filesTotal = xmlFiles.size();
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < xmlFiles.size(); i++) {
            order.put(xmlFiles.get(i).path(), i);
        }
        List<Job> jobs = jobs(groups);
        int writers = Math.clamp(jobs.size(), 1, maxThreads);
        ScanSlots<Written> slots = new ScanSlots<>(jobs.size(), 2 * writers);
        List<Thread> writing = new ArrayList<>();
        Map<Group, TableAssembler> assemblers = new LinkedHashMap<>();
        int succeeded = 0;
        try {
            for (int i = 1; i <= writers && !jobs.isEmpty(); i++) {
                writing.add(Thread.ofPlatform().name("ret-convert-write-" + i).daemon()
                        .start(() -> writeJobs(jobs, slots, files.outDir(), progress)));
            }
            for (Group group : groups.values()) {
                assemblers.put(group, new TableAssembler(group.plan, options.layout(), files));
            }
            for (int i = 0; i < jobs.size(); i++) {
                Written written = take(slots, i, progress);
                if (written.failure() != null) {
                    throw rethrow(written.failure());
                }
                Job job = jobs.get(i);
                assemblers.get(job.group()).add(written.tables());
                for (Prepared file : job.files()) {
                    file.spill().delete();
                }
                progress.written(job.bytes());
                succeeded += job.files().size();
            }
            for (TableAssembler assembler : assemblers.values()) {
                assembler.finish();
            }
        } catch (IOException | RuntimeException | Error e) {
            progress.stop(); // the writers give up at their next check
            throw e;
        } finally {
            List<Written> neverTaken = slots.stop(); // a writer still at work deletes its own parts
            writing.forEach(ArchiveConverter::join);
            for (Written left : neverTaken) {
                if (left.tables() != null) {
                    left.tables().discard();
                }
            }
            assemblers.values().forEach(TableAssembler::abandon);
        }
        List<TableOutput> outputs = new ArrayList<>();
        List<TableSchema> tables = new ArrayList<>();
        for (TableAssembler assembler : assemblers.values()) {
            outputs.addAll(assembler.outputs());
            tables.addAll(assembler.schemas());
        }
        DataPackage schema = new DataPackage(options.layout(), tables);
        if (!outputs.isEmpty()) {
            schema.write(files.outDir());
        }
        long rows = outputs.stream().mapToLong(TableOutput::rows).sum();
        long bytes = outputs.stream().mapToLong(TableOutput::bytes).sum();
        failures.sort(Comparator.comparingInt(f -> order.getOrDefault(f.path(), Integer.MAX_VALUE)));
        return new ConversionSummary(filesTotal, succeeded, filesTotal - succeeded, rows, bytes, outputs, failures,
                schema, PreviousLayout.changes(options.previousLayout(), schema));
    }

    /**
     * The write pass's jobs. Per file, each file is one (its rows are numbered from 1). Merged,
     * consecutive files make a job of up to {@link #JOB_BYTES} of XML, fewer when the archive is
     * small, so every writer gets several: an archive of many small files is written into a few
     * parts instead of a part per table and file.
     */
    private List<Job> jobs(Map<String, Group> groups) {
        List<Job> jobs = new ArrayList<>();
        long total = 0;
        for (Group group : groups.values()) {
            for (Prepared file : group.files) {
                total += file.entry().sizeBytes();
            }
        }
        long jobBytes = Math.clamp(total / (4L * maxThreads), 1, JOB_BYTES);
        for (Group group : groups.values()) {
            long[] lastIds = new long[group.plan.tables.size()];
            List<Prepared> run = new ArrayList<>();
            long runBytes = 0;
            long[] runIds = lastIds.clone();
            for (Prepared file : group.files) {
                if (options.layout() == Layout.PER_FILE) {
                    jobs.add(new Job(group, List.of(file), new long[lastIds.length])); // rows numbered per file
                    continue;
                }
                run.add(file);
                runBytes += file.entry().sizeBytes();
                for (int table = 0; table < lastIds.length; table++) {
                    lastIds[table] += file.rows[table];
                }
                if (runBytes >= jobBytes) {
                    jobs.add(new Job(group, run, runIds));
                    run = new ArrayList<>();
                    runBytes = 0;
                    runIds = lastIds.clone();
                }
            }
            if (!run.isEmpty()) {
                jobs.add(new Job(group, run, runIds));
            }
        }
        return jobs;
    }

    /** A writing thread: claims jobs in order and writes their parts until none is left or the conversion stops. */
    private void writeJobs(List<Job> jobs, ScanSlots<Written> slots, Path partDir, SerialProgress progress) {
        for (int job; (job = slots.claim()) >= 0; ) {
            Written written = writeJob(jobs.get(job), partDir, progress);
            if (written.failure() != null) {
                slots.closeClaims();
            }
            if (!slots.put(job, written)) {
                if (written.tables() != null) {
                    written.tables().discard();
                }
                return;
            }
        }
    }

    /**
     * One job's third pass, on a replay of its own that numbers rows on from the files before.
     * The files were replayed by the key check already, so any failure now stops the conversion.
     */
    private Written writeJob(Job job, Path partDir, SerialProgress progress) {
        TablePlan plan = job.group().plan;
        TableWriter writer = new TableWriter(plan, options.layout(), partDir);
        try {
            RowReplay replay = new RowReplay(plan, options, progress);
            replay.continueIds(job.lastIds());
            for (Prepared file : job.files()) {
                if (progress.cancelled()) {
                    throw new ConversionCancelledException();
                }
                progress.phase("writing " + file.entry().path());
                writer.beginFile(file.entry().path(), file.map());
                try (SpillReader spill = file.spill().reader()) {
                    replay.replay(spill, file.map(), writer);
                } catch (FileConversionException e) {
                    throw new IOException("file " + file.entry().path() + " failed on its second reading: "
                            + e.getMessage(), e);
                }
            }
            return new Written(writer.endFile(), null);
        } catch (IOException | RuntimeException | Error e) {
            writer.abandon();
            return new Written(null, e);
        }
    }

    private static void fail(List<Prepared> files, FileConversionException e, List<FileFailure> failures) {
        for (Prepared file : files) {
            file.spill().delete();
            failures.add(e.toFailure(file.entry().path()));
        }
    }

    /** A scanning thread: claims files in order and scans them until none is left or the conversion stops. */
    private static void scanFiles(ArchiveReader reader, List<InventoryEntry> xmlFiles, FileConverter converter,
            ScanSlots<Step> slots, SerialProgress progress) {
        for (int file; (file = slots.claim()) >= 0; ) {
            Step step = scan(reader, xmlFiles.get(file), converter, progress);
            if (step instanceof Stopped) {
                slots.closeClaims();
            }
            if (!slots.put(file, step)) {
                if (step instanceof Read read) {
                    read.scanned().spill().delete();
                }
                return;
            }
        }
    }

    /** One file's first pass; a problem of the file is its own failure, anything else stops the conversion. */
    private static Step scan(ArchiveReader reader, InventoryEntry entry, FileConverter converter,
            SerialProgress progress) {
        try (InputStream xml = reader.openEntry(entry)) {
            if (progress.cancelled()) {
                throw new ConversionCancelledException();
            }
            progress.phase("reading " + entry.path());
            return new Read(converter.scan(entry.path(), xml));
        } catch (FileConversionException e) {
            return new Failed(e.toFailure(entry.path()));
        } catch (IOException | RuntimeException | Error e) {
            return new Stopped(e);
        }
    }

    private static <T> T take(ScanSlots<T> slots, int file, SerialProgress progress) {
        try {
            T step;
            while ((step = slots.poll(file, 50)) == null) {
                if (progress.cancelled()) {
                    throw new ConversionCancelledException();
                }
            }
            return step;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionCancelledException();
        }
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the reader must be finished before its files are removed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrow(Throwable cause) throws IOException {
        switch (cause) {
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(cause);
        }
    }

    private static void removeAll(OutputFiles files, Path outDir, boolean madeOutDir, Throwable cause) {
        try {
            files.rollback(new OutputFiles.Mark(0, 0));
            if (madeOutDir) {
                Files.deleteIfExists(outDir);
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The caller's progress, called by one thread at a time (the threads of a conversion
     * share it), and the conversion's own stop signal. The work is three passes over the
     * archive's XML bytes (read, check keys, write), so the total is three times its
     * declared size; each pass's share is capped, and completed when the pass ends, so
     * the work done never passes the total and equals it at the end.
     */
    private static final class SerialProgress implements ConversionProgress {
        private final ConversionProgress delegate;
        private volatile boolean stopped;
        private long xmlBytes;
        private long done;
        private long passEnd;

        SerialProgress(ConversionProgress delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void start(long totalBytes) {
            xmlBytes = totalBytes;
            passEnd = totalBytes;
            delegate.start(3 * totalBytes);
        }

        @Override
        public synchronized void bytesRead(long delta) {
            advance(delta);
        }

        @Override
        public synchronized void phase(String phase) {
            delegate.phase(phase);
        }

        synchronized void readDone() {
            advance(passEnd - done);
            passEnd = 2 * xmlBytes;
        }

        synchronized void checked(long fileBytes) {
            advance(fileBytes);
        }

        synchronized void checkDone() {
            advance(passEnd - done);
            passEnd = 3 * xmlBytes;
        }

        synchronized void written(long fileBytes) {
            advance(fileBytes);
        }

        synchronized void finished() {
            advance(passEnd - done);
        }

        private void advance(long delta) {
            long step = Math.min(delta, passEnd - done);
            if (step > 0) {
                done += step;
                delegate.bytesRead(step);
            }
        }

        @Override
        public synchronized void filesDone(int done, int total) {
            delegate.filesDone(done, total);
        }

        @Override
        public boolean cancelled() {
            if (stopped) {
                return true;
            }
            synchronized (this) {
                return delegate.cancelled();
            }
        }

        /** The conversion is done, or gave up: the scanners stop at their next check. */
        void stop() {
            stopped = true;
        }
    }
}
