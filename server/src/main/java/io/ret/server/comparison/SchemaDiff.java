package io.ret.server.comparison;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

/**
 * Compares two conversion outputs table by table, as their {@code datapackage.json} describes
 * them (see docs/comparison.md, "Converted sessions"). Tables pair by record path (merged layout)
 * or by source file, then record path (per-file layout); each pair is keyed by its natural key,
 * never by a surrogate, and surrogate, provenance and position columns are never compared. A
 * table on one side only is ADDED or REMOVED with the row count its schema gives.
 */
final class SchemaDiff {
    /** One table of the comparison: either side may be absent, or the pairing may have failed. */
    record Pair(String name, TableSchema left, TableSchema right, String error) {
    }

    private SchemaDiff() {
    }

    static DiffSummary diff(Path leftRoot, DataPackage left, Path rightRoot, DataPackage right, FileMatch match,
                            DiffOptions options, DeltaSink sink, DiffProgress progress) {
        List<Pair> pairs = pair(left, right, match);
        List<FileDiff> files = new ArrayList<>();
        for (Pair pair : pairs) {
            if (progress.cancelled()) {
                throw new DiffCancelledException();
            }
            files.add(TreeDiff.reported(compare(leftRoot, rightRoot, pair, options, sink, progress), sink));
        }
        return DiffSummary.of(files);
    }

    /**
     * Pairs the tables of two schemas, in name order.
     *
     * @throws IllegalArgumentException when the two layouts differ
     */
    static List<Pair> pair(DataPackage left, DataPackage right, FileMatch match) {
        if (left.layout() != right.layout()) {
            throw new IllegalArgumentException(layoutsDiffer(left, right));
        }
        Map<String, List<TableSchema>> leftTables = identities(left, match);
        Map<String, List<TableSchema>> rightTables = identities(right, match);
        Set<String> all = new TreeSet<>(leftTables.keySet());
        all.addAll(rightTables.keySet());
        List<Pair> pairs = new ArrayList<>();
        List<TableSchema> leftOnly = new ArrayList<>();
        Map<String, TableSchema> rightOnly = new LinkedHashMap<>();
        for (String identity : all) {
            List<TableSchema> l = leftTables.getOrDefault(identity, List.of());
            List<TableSchema> r = rightTables.getOrDefault(identity, List.of());
            if (l.size() > 1 || r.size() > 1) {
                String name = (r.isEmpty() ? l : r).getFirst().name();
                pairs.add(new Pair(name, null, null, "ambiguous table: left has " + names(l) + "; right has "
                        + names(r) + " for " + describe(identity)));
            } else if (l.isEmpty()) {
                rightOnly.put(r.getFirst().name(), r.getFirst());
            } else if (r.isEmpty()) {
                leftOnly.add(l.getFirst());
            } else {
                pairs.add(new Pair(r.getFirst().name(), l.getFirst(), r.getFirst(), null));
            }
        }
        // a table whose record path changed (say, a renamed document element) still pairs by its name
        for (TableSchema l : leftOnly) {
            TableSchema r = rightOnly.remove(l.name());
            pairs.add(new Pair(l.name(), l, r, null));
        }
        rightOnly.values().forEach(r -> pairs.add(new Pair(r.name(), null, r, null)));
        return unique(pairs);
    }

    /** Sorted by name; a name that two entries share gets the side or record path that tells them apart. */
    private static List<Pair> unique(List<Pair> pairs) {
        Map<String, Integer> uses = new HashMap<>();
        pairs.forEach(p -> uses.merge(p.name(), 1, Integer::sum));
        Map<String, Pair> byName = new TreeMap<>();
        for (Pair p : pairs) {
            String name = p.name();
            if (uses.get(name) > 1) {
                TableSchema table = p.right() != null ? p.right() : p.left();
                name += table == null ? " (ambiguous)" : p.left() == null ? " (right " + table.recordPath() + ")"
                        : " (" + (p.right() == null ? "left " : "") + table.recordPath() + ")";
            }
            while (byName.containsKey(name)) {
                name += "'";
            }
            byName.put(name, new Pair(name, p.left(), p.right(), p.error()));
        }
        return List.copyOf(byName.values());
    }

    static String layoutsDiffer(DataPackage left, DataPackage right) {
        return "the left conversion's layout is " + left.layout().json() + ", the right's " + right.layout().json()
                + ": convert both with the same layout to compare them table by table";
    }

    /** The entries of {@code tableKeys} that name no table (by name or record path) of either schema. */
    static List<String> unknownTables(DataPackage left, DataPackage right, Set<String> tableKeys) {
        Set<String> known = new HashSet<>();
        for (DataPackage schema : List.of(left, right)) {
            for (TableSchema table : schema.tables()) {
                known.add(table.name());
                known.add(table.recordPath());
            }
        }
        return tableKeys.stream().filter(t -> !known.contains(t)).sorted().toList();
    }

    /** Merged: the record path. Per file: the source file (by path or name), then the record path. */
    private static Map<String, List<TableSchema>> identities(DataPackage schema, FileMatch match) {
        Map<String, List<TableSchema>> tables = new LinkedHashMap<>();
        for (TableSchema table : schema.tables()) {
            String record = table.recordPath().isEmpty() ? table.name() : table.recordPath();
            String identity = record;
            if (schema.layout() == Layout.PER_FILE) {
                String file = table.sourceFile();
                if (match == FileMatch.FILE_NAME) {
                    file = file.substring(file.lastIndexOf('/') + 1);
                }
                identity = file + "\u0000" + record;
            }
            tables.computeIfAbsent(identity, i -> new ArrayList<>()).add(table);
        }
        return tables;
    }

    private static FileDiff compare(Path leftRoot, Path rightRoot, Pair pair, DiffOptions options, DeltaSink sink,
                                    DiffProgress progress) {
        if (pair.error() != null) {
            return FileDiff.failed(pair.name(), pair.error(), List.of());
        }
        if (pair.left() == null || pair.right() == null) {
            return oneSided(pair, progress);
        }
        List<String> warnings = new ArrayList<>();
        if (!pair.left().recordPath().equals(pair.right().recordPath())) {
            warnings.add("paired by table name: the record path changed from " + pair.left().recordPath() + " to "
                    + pair.right().recordPath());
        }
        TableKey key = key(pair, options, warnings);
        String refused = systemKeyColumn(key, pair);
        if (refused != null) {
            return FileDiff.failed(pair.name(), refused, warnings);
        }
        Path left = inside(leftRoot, pair.left().path());
        Path right = inside(rightRoot, pair.right().path());
        if (left == null || right == null) {
            return FileDiff.failed(pair.name(), "the schema names a file outside the output directory: "
                    + (left == null ? pair.left().path() : pair.right().path()), warnings);
        }
        for (Path file : List.of(left, right)) {
            if (!Files.isRegularFile(file)) {
                boolean isLeft = file == left;
                return FileDiff.failed(pair.name(), (isLeft ? "left: " : "right: ")
                        + (isLeft ? pair.left() : pair.right()).path() + ", the table's file, is missing", warnings);
            }
        }
        DiffOptions tableOptions = options.withTableKeys(Map.of()).withKeyColumns(List.of())
                .withIgnoreColumns(ignored(pair, key, options.ignoreColumns()));
        FileDiff result = CsvDiffEngine.diff(left, right, pair.name(), tableOptions, key, sink, progress);
        if (warnings.isEmpty()) {
            return result;
        }
        warnings.addAll(result.warnings());
        return new FileDiff(result.path(), result.status(), result.keyColumns(), result.rowsLeft(),
                result.rowsRight(), result.added(), result.removed(), result.modified(), result.unchanged(),
                result.similarity(), result.columns(), result.error(), warnings);
    }

    /** Request override, else the tree-wide key where it applies, else the natural key. */
    private static TableKey key(Pair pair, DiffOptions options, List<String> warnings) {
        for (String name : List.of(pair.right().name(), pair.left().name(), pair.right().recordPath(),
                pair.left().recordPath())) {
            List<String> given = options.tableKeys().get(name);
            if (given != null) {
                return new TableKey.Given(given);
            }
        }
        if (options.ordered() || options.keyless()) {
            return new TableKey.None();
        }
        TableKey natural = natural(pair, warnings);
        return options.keyColumns().isEmpty() ? natural : new TableKey.Preferred(options.keyColumns(), natural);
    }

    /** The right side's natural key if the left has its columns, else the left's if the right has them. */
    private static TableKey natural(Pair pair, List<String> warnings) {
        List<String> leftKey = pair.left().primaryKey();
        List<String> rightKey = pair.right().primaryKey();
        for (List<String> candidate : List.of(rightKey, leftKey)) {
            if (usable(candidate, pair.left()) && usable(candidate, pair.right())) {
                if (!leftKey.equals(rightKey)) {
                    warnings.add("the natural key differs: left " + leftKey + ", right " + rightKey + "; keyed by "
                            + candidate);
                }
                return new TableKey.Natural(candidate);
            }
        }
        warnings.add(leftKey.isEmpty() && rightKey.isEmpty()
                ? "the schema gives no natural key for this table; rows are compared as a multiset"
                : "no natural key on both sides (left " + leftKey + ", right " + rightKey
                        + "); rows are compared as a multiset");
        return new TableKey.None();
    }

    private static boolean usable(List<String> key, TableSchema table) {
        return !key.isEmpty() && key.stream().allMatch(c -> table.column(c).map(SchemaDiff::keyable).orElse(false));
    }

    private static boolean keyable(ColumnSchema column) {
        return column.role() == ColumnRole.DATA || column.role() == ColumnRole.POSITION;
    }

    /** Why a given key cannot be used: it names a surrogate or provenance column; null if it can. */
    private static String systemKeyColumn(TableKey key, Pair pair) {
        List<String> columns = switch (key) {
            case TableKey.Given given -> given.columns();
            case TableKey.Preferred preferred -> preferred.columns();
            default -> List.of();
        };
        for (String column : columns) {
            for (TableSchema table : List.of(pair.left(), pair.right())) {
                var schema = table.column(column);
                if (schema.isPresent() && !keyable(schema.get())) {
                    return "key column '" + column + "' is a " + schema.get().role().json() + " column: it "
                            + (schema.get().role() == ColumnRole.SURROGATE
                            ? "numbers rows within one conversion" : "says where a row came from")
                            + " and cannot pair rows of two conversions";
                }
            }
        }
        return null;
    }

    /** The request's ignored columns, plus every non-data column of either side that is not part of a key. */
    private static Set<String> ignored(Pair pair, TableKey key, Set<String> requested) {
        Set<String> keys = new HashSet<>();
        switch (key) {
            case TableKey.Given given -> keys.addAll(given.columns());
            case TableKey.Natural natural -> keys.addAll(natural.columns());
            case TableKey.Preferred preferred -> {
                keys.addAll(preferred.columns());
                if (preferred.otherwise() instanceof TableKey.Natural natural) {
                    keys.addAll(natural.columns());
                }
            }
            default -> { }
        }
        Set<String> ignored = new HashSet<>(requested);
        for (TableSchema table : List.of(pair.left(), pair.right())) {
            for (ColumnSchema column : table.columns()) {
                if (!column.isData() && !keys.contains(column.name())) {
                    ignored.add(column.name());
                }
            }
        }
        return ignored;
    }

    private static FileDiff oneSided(Pair pair, DiffProgress progress) {
        boolean added = pair.left() == null;
        long rows = added ? pair.right().rows() : pair.left().rows();
        progress.rowsProcessed(rows);
        return new FileDiff(pair.name(), added ? FileStatus.ADDED : FileStatus.REMOVED, List.of(), added ? 0 : rows,
                added ? rows : 0, added ? rows : 0, added ? 0 : rows, 0, 0, 0.0, ColumnChanges.NONE, null, List.of());
    }

    /** {@code root/relative}, or null when it would lie outside {@code root}. */
    private static Path inside(Path root, String relative) {
        Path resolved = root.resolve(relative).normalize();
        return resolved.startsWith(root.normalize()) ? resolved : null;
    }

    private static String names(List<TableSchema> tables) {
        return tables.isEmpty() ? "none" : String.join(", ", tables.stream().map(TableSchema::name).toList());
    }

    private static String describe(String identity) {
        int split = identity.indexOf('\u0000');
        return split < 0 ? "record path " + identity
                : "file " + identity.substring(0, split) + ", record path " + identity.substring(split + 1);
    }
}
