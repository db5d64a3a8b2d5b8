package io.ret.bench.comparison;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * RET's diff engine against daff on generated keyed pairs (see bench/comparison-results.md).
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.comparison.DiffBenchmark \
 *     [--dir DIR] [--rows 1000000] [--big-rows 10000000] [--repeat 5] [--daff-repeat 3] \
 *     [--budget-mb 256] [--daff node_modules/daff/bin/daff.js] [--out FILE]
 * </pre>
 *
 * Every run is a separate process: RET in a fresh JVM ({@link DiffRun}, flags {@link #JVM_FLAGS},
 * which suit a short-lived command-line JVM), daff under node. Wall time is measured around the
 * process (start-up included); peak memory is the process's peak RSS (VmHWM for the JVM,
 * resourceUsage().maxRSS for node). Both tools' added/removed/modified counts are checked against
 * what the generator made. A last row times the engine alone in one warmed-up JVM with default
 * JIT settings ({@link #WARM_FLAGS}), as it runs inside the server.
 */
public final class DiffBenchmark {
    static final List<String> JVM_FLAGS = List.of("-Xms32m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    static final List<String> WARM_FLAGS = List.of("-Xms32m", "-Xmx512m", "-XX:+UseSerialGC");
    private static final int WARM_TIMES = 6;

    /** One process run. */
    record Run(double wallSeconds, double cpuSeconds, long peakRssKb, long added, long removed, long modified) {
    }

    private DiffBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(option(args, "--dir", System.getProperty("java.io.tmpdir") + "/ret-diff-bench"));
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int bigRows = Integer.parseInt(option(args, "--big-rows", "10000000"));
        int repeat = Integer.parseInt(option(args, "--repeat", "5"));
        int daffRepeat = Integer.parseInt(option(args, "--daff-repeat", "3"));
        long budgetMb = Long.parseLong(option(args, "--budget-mb", "256"));
        Path daff = findDaff(option(args, "--daff", System.getenv("RET_DAFF")));
        Files.createDirectories(dir);

        StringBuilder report = new StringBuilder();
        report.append(machine(daff)).append('\n');
        report.append("| pair | tool | wall median (s) | wall min–max (s) | CPU median (s) | peak RSS median (MB) | runs |\n");
        report.append("|---|---|---:|---:|---:|---:|---:|\n");

        Path left = dir.resolve("left-" + rows + ".csv");
        Path right = dir.resolve("right-" + rows + ".csv");
        PairGenerator.Expected expected = PairGenerator.write(left, right, rows, 1);
        System.out.println("generated " + rows + " rows: " + expected);
        List<Run> ret = repeat(repeat, () -> runRet(JVM_FLAGS, left, right, budgetMb, dir, 1).getFirst(), expected);
        report.append(row(rows, "RET", ret));
        List<Run> warm = runRet(WARM_FLAGS, left, right, budgetMb, dir, WARM_TIMES);
        warm = warm.subList(1, warm.size()); // the first comparison warms the JVM up
        List<Run> daffRuns = daff == null ? List.of() : repeat(daffRepeat, () -> runDaff(daff, left, right, dir), expected);
        if (!daffRuns.isEmpty()) {
            report.append(row(rows, "daff " + daffVersion(daff), daffRuns));
        }
        Files.deleteIfExists(left);
        Files.deleteIfExists(right);

        List<Run> big = List.of();
        if (bigRows > 0) {
            Path bigLeft = dir.resolve("left-" + bigRows + ".csv");
            Path bigRight = dir.resolve("right-" + bigRows + ".csv");
            PairGenerator.Expected bigExpected = PairGenerator.write(bigLeft, bigRight, bigRows, 2);
            System.out.println("generated " + bigRows + " rows: " + bigExpected);
            big = repeat(Math.max(1, repeat / 2), () -> runRet(JVM_FLAGS, bigLeft, bigRight, budgetMb, dir, 1).getFirst(),
                    bigExpected);
            report.append(row(bigRows, "RET", big));
            Files.deleteIfExists(bigLeft);
            Files.deleteIfExists(bigRight);
        }

        report.append(String.format(Locale.ROOT, "| %,d rows | RET engine in a warm JVM (%s) | %.2f | %.2f–%.2f | – | – | %d |%n",
                rows, String.join(" ", WARM_FLAGS), median(warm, Run::wallSeconds),
                warm.stream().mapToDouble(Run::wallSeconds).min().orElse(0),
                warm.stream().mapToDouble(Run::wallSeconds).max().orElse(0), warm.size()));
        report.append('\n');
        double retWall = median(ret, Run::wallSeconds);
        if (!daffRuns.isEmpty()) {
            report.append(String.format(Locale.ROOT, "RET is %.1fx faster than daff on %,d rows by median wall time, "
                            + "%.1fx by median CPU time.%n", median(daffRuns, Run::wallSeconds) / retWall, rows,
                    median(daffRuns, Run::cpuSeconds) / median(ret, Run::cpuSeconds)));
        }
        if (!big.isEmpty()) {
            report.append(String.format(Locale.ROOT, "Peak RSS, %,d rows: %.0f MB; %,d rows: %.0f MB (memory budget %d MB).%n",
                    rows, median(ret, r -> r.peakRssKb() / 1024.0), bigRows, median(big, r -> r.peakRssKb() / 1024.0),
                    budgetMb));
        }
        System.out.println();
        System.out.print(report);
        String out = option(args, "--out", null);
        if (out != null) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    private interface Runner {
        Run run() throws Exception;
    }

    private static List<Run> repeat(int times, Runner runner, PairGenerator.Expected expected) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Run run = runner.run();
            System.out.println("  " + run);
            if (run.added() != expected.added() || run.removed() != expected.removed()
                    || run.modified() != expected.modified()) {
                throw new IllegalStateException("wrong counts: " + run + ", expected " + expected);
            }
            runs.add(run);
        }
        return runs;
    }

    /** One JVM comparing {@code times} times; wall is the process's for one comparison, else the engine's. */
    private static List<Run> runRet(List<String> flags, Path left, Path right, long budgetMb, Path dir, int times)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of("-cp", engineClassPath(), DiffRun.class.getName(),
                left.toString(), right.toString(), Long.toString(budgetMb), dir.toString(), Integer.toString(times)));
        Path log = dir.resolve("ret.log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        finish(process, log);
        double wall = (System.nanoTime() - start) / 1e9;
        List<Run> runs = new ArrayList<>();
        for (String result : Files.readAllLines(log).stream().filter(l -> l.startsWith("RESULT ")).toList()) {
            long[] v = Arrays.stream(result.substring(7).split(" ")).mapToLong(Long::parseLong).toArray();
            runs.add(new Run(times == 1 ? wall : v[0] / 1000.0, v[5] / 1000.0, v[4], v[1], v[2], v[3]));
        }
        if (runs.size() != times) {
            throw new IllegalStateException("expected " + times + " results in " + log);
        }
        return runs;
    }

    /**
     * Only the bench and server jars: the engine needs nothing else, and a JVM looking for a class
     * opens the jars before the one that has it, which costs start-up time with ~100 jars.
     */
    private static String engineClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> {
                    String name = Path.of(entry).getFileName().toString();
                    return name.startsWith("ret-bench") || name.startsWith("ret-server") || name.equals("classes");
                })
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static Run runDaff(Path daff, Path left, Path right, Path dir) throws Exception {
        Path wrapper = dir.resolve("daff-peak-rss.js");
        Files.writeString(wrapper, """
                const daff = require(process.argv[2]);
                process.on('exit', () => {
                  const cpu = process.cpuUsage();
                  process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n');
                  process.stderr.write('CPU_MS ' + Math.round((cpu.user + cpu.system) / 1000) + '\\n');
                });
                process.exitCode = daff.cmd(process.argv.slice(3));
                """);
        Path out = dir.resolve("daff-out.csv");
        Path log = dir.resolve("daff.log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder("node", "--max-old-space-size=16384", wrapper.toString(), daff.toString(),
                "--no-color", "--id", "id", "--unordered", "--context", "0", "--output", out.toString(),
                left.toString(), right.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        finish(process, log);
        double wall = (System.nanoTime() - start) / 1e9;
        long rss = Files.readAllLines(log).stream().filter(l -> l.startsWith("MAXRSS_KB ")).findFirst()
                .map(l -> Long.parseLong(l.substring(10).trim())).orElse(-1L);
        double cpu = Files.readAllLines(log).stream().filter(l -> l.startsWith("CPU_MS ")).findFirst()
                .map(l -> Long.parseLong(l.substring(7).trim()) / 1000.0).orElse(-1.0);
        long added = 0, removed = 0, modified = 0;
        try (Stream<String> lines = Files.lines(out, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                String action = line.substring(0, Math.max(0, line.indexOf(',')));
                if (action.equals("+++")) {
                    added++;
                } else if (action.equals("---")) {
                    removed++;
                } else if (action.contains("->")) {
                    modified++;
                }
            }
        }
        Files.deleteIfExists(out);
        return new Run(wall, cpu, rss, added, removed, modified);
    }

    private static void finish(Process process, Path log) throws Exception {
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + Files.readString(log));
        }
    }

    private static String row(int rows, String tool, List<Run> runs) {
        double min = runs.stream().mapToDouble(Run::wallSeconds).min().orElse(0);
        double max = runs.stream().mapToDouble(Run::wallSeconds).max().orElse(0);
        return String.format(Locale.ROOT, "| %,d rows | %s | %.2f | %.2f–%.2f | %.2f | %.0f | %d |%n", rows, tool,
                median(runs, Run::wallSeconds), min, max, median(runs, Run::cpuSeconds),
                median(runs, r -> r.peakRssKb() / 1024.0), runs.size());
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String machine(Path daff) throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        return String.format(Locale.ROOT, "Machine: %d cores (%s), JDK %s (%s), RET JVM flags %s; node %s; %s; "
                        + "load average at start %s.%n", Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), String.join(" ", JVM_FLAGS),
                command("node", "--version"), daff == null ? "daff not found" : "daff " + daffVersion(daff), load)
                + "Run on " + LocalDate.now() + ".\n";
    }

    private static String daffVersion(Path daff) {
        try {
            String json = Files.readString(daff.getParent().getParent().resolve("package.json"));
            int at = json.indexOf("\"version\"");
            return json.substring(json.indexOf('"', json.indexOf(':', at)) + 1,
                    json.indexOf('"', json.indexOf('"', json.indexOf(':', at)) + 1));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String command(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return text;
    }

    /** daff's bin/daff.js: as given, or under node_modules in this or a parent directory. */
    private static Path findDaff(String given) {
        if (given != null) {
            Path path = Path.of(given);
            return Files.isSymbolicLink(path) || path.endsWith(".bin/daff") ? resolveBin(path) : path;
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("node_modules/daff/bin/daff.js");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        System.out.println("daff not found: npm install daff@1.4.2 in the repository root, or pass --daff");
        return null;
    }

    private static Path resolveBin(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            return link;
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
