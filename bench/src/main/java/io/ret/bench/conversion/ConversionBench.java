package io.ret.bench.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Conversion benchmark, one run for the whole table: RET's converter, a bare StAX pass
 * (the ceiling) and the Python baseline (ElementTree, dicts, csv.DictWriter) over the
 * same corpus, each repetition in a fresh process; then RET's memory on one 8 MB and one
 * 512 MB file under the same (small) -Xmx. Medians are printed as a Markdown table, with
 * the machine's load average, since other work on the machine moves the numbers.
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.conversion.ConversionBench \
 *      [--work DIR] [--corpus-mb 288] [--reps 5] [--xmx 256m] [--mem-xmx 64m] [--big-mb 512]
 * </pre>
 */
public final class ConversionBench {

    private static final long MB = 1024 * 1024;

    private ConversionBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path work = Path.of(options.getOrDefault("--work", System.getProperty("java.io.tmpdir") + "/ret-conversion-bench"));
        int corpusMb = Integer.parseInt(options.getOrDefault("--corpus-mb", "288"));
        int reps = Integer.parseInt(options.getOrDefault("--reps", "5"));
        String xmx = options.getOrDefault("--xmx", "256m");
        String memXmx = options.getOrDefault("--mem-xmx", "64m");
        int bigMb = Integer.parseInt(options.getOrDefault("--big-mb", "512"));

        Path corpus = work.resolve("corpus");
        Path small = work.resolve("one-8mb");
        Path big = work.resolve("one-big");
        generate(corpus, corpusMb, 32, 1);
        generate(small, 8, 8, 1001);
        generate(big, bigMb, bigMb, 2001);
        Path python = work.resolve("baseline_convert.py");
        try (InputStream script = ConversionBench.class.getResourceAsStream("baseline_convert.py")) {
            Files.copy(script, python, StandardCopyOption.REPLACE_EXISTING);
        }

        Map<String, List<Map<String, String>>> results = new HashMap<>();
        String loadBefore = loadAverage();
        for (int rep = 1; rep <= reps; rep++) {
            record("ret", results, java(xmx, "ret", corpus, clean(work.resolve("out-ret"))));
            record("stax", results, java(xmx, "stax", corpus, null));
            record("ret-warm", results, java(xmx, "ret", corpus, clean(work.resolve("out-ret")), "--warm-up", small.toString()));
            record("stax-warm", results, java(xmx, "stax", corpus, null, "--warm-up", small.toString()));
            record("python", results, run(List.of("python3", python.toString(), corpus.toString(),
                    clean(work.resolve("out-python")).toString())));
            record("ret-8mb", results, java(memXmx, "ret", small, clean(work.resolve("out-8mb"))));
            record("ret-big", results, java(memXmx, "ret", big, clean(work.resolve("out-big"))));
        }
        print(results, reps, xmx, memXmx, bigMb, loadBefore, loadAverage());
    }

    private static void generate(Path dir, int totalMb, int fileMb, long seed) throws IOException {
        Files.createDirectories(dir);
        int files = Math.max(1, totalMb / fileMb);
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve(String.format("orders-%03d.xml", i));
            if (Files.exists(file) && Files.size(file) >= (long) fileMb * MB) {
                continue; // kept from an earlier run: generation is deterministic
            }
            CorpusGenerator.writeFile(file, (long) fileMb * MB, seed + i);
        }
    }

    private static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dir;
    }

    private static Map<String, String> java(String xmx, String mode, Path input, Path out, String... extra)
            throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx" + xmx, "-cp",
                System.getProperty("java.class.path"), BenchWorker.class.getName(), mode, input.toString()));
        if (out != null) {
            command.add(out.toString());
        }
        command.addAll(List.of(extra));
        if (out != null) {
            for (int i = 0; i < 3; i++) {
                clean(out.resolveSibling(out.getFileName() + "-warm-up-" + i));
            }
        }
        return run(command);
    }

    private static Map<String, String> run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command + "\n" + output);
        }
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no RESULT from " + command + "\n" + output));
        System.out.println(line);
        Map<String, String> fields = new HashMap<>();
        for (String pair : line.substring(7).split(" ")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return fields;
    }

    private static void record(String name, Map<String, List<Map<String, String>>> results, Map<String, String> result) {
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(result);
    }

    private static double median(List<Map<String, String>> runs, String field) {
        List<Double> values = runs.stream().map(r -> Double.parseDouble(r.get(field))).sorted().toList();
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** Median MiB of XML per second of {@code field} (wall "seconds" or "cpuSeconds"). */
    private static double throughput(List<Map<String, String>> runs, String field) {
        List<Double> values = runs.stream()
                .map(r -> Double.parseDouble(r.get("bytes")) / MB / Double.parseDouble(r.get(field))).sorted().toList();
        return values.size() % 2 == 1 ? values.get(values.size() / 2)
                : (values.get(values.size() / 2 - 1) + values.get(values.size() / 2)) / 2;
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static void print(Map<String, List<Map<String, String>>> results, int reps, String xmx, String memXmx,
            int bigMb, String loadBefore, String loadAfter) {
        double ret = throughput(results.get("ret"), "seconds");
        double stax = throughput(results.get("stax"), "seconds");
        double python = throughput(results.get("python"), "seconds");
        double retCpu = throughput(results.get("ret"), "cpuSeconds");
        double staxCpu = throughput(results.get("stax"), "cpuSeconds");
        double pythonCpu = throughput(results.get("python"), "cpuSeconds");
        double retWarm = throughput(results.get("ret-warm"), "seconds");
        double staxWarm = throughput(results.get("stax-warm"), "seconds");
        double retWarmCpu = throughput(results.get("ret-warm"), "cpuSeconds");
        double staxWarmCpu = throughput(results.get("stax-warm"), "cpuSeconds");
        double corpusMb = Double.parseDouble(results.get("ret").getFirst().get("bytes")) / MB;
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nCorpus %.0f MiB of XML; medians of %d runs; JVM -Xmx%s; %s, %d cores;"
                + " load average %s before, %s after%n%n", corpusMb, reps, xmx,
                System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter));
        table.append("| run | MiB/s of XML (wall) | MiB per CPU-second | seconds | CPU seconds | peak RSS (VmHWM) MiB"
                + " | live heap after GC MiB |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|\n");
        row(table, "RET converter, fresh JVM", results.get("ret"), ret, retCpu);
        row(table, "bare StAX pass (ceiling), fresh JVM", results.get("stax"), stax, staxCpu);
        row(table, "RET converter, warmed up", results.get("ret-warm"), retWarm, retWarmCpu);
        row(table, "bare StAX pass (ceiling), warmed up", results.get("stax-warm"), staxWarm, staxWarmCpu);
        row(table, "Python baseline (ElementTree + DictWriter)", results.get("python"), python, pythonCpu);
        table.append(String.format(Locale.ROOT, "%n| ratio | fresh, wall | fresh, per CPU-s | warm, wall | warm, per CPU-s |%n"
                + "|---|---:|---:|---:|---:|%n"
                + "| RET / Python (goal >= 10) | %.1f | %.1f | %.1f | %.1f |%n"
                + "| RET / bare StAX (goal >= 0.5) | %.2f | %.2f | %.2f | %.2f |%n%n",
                ret / python, retCpu / pythonCpu, retWarm / python, retWarmCpu / pythonCpu,
                ret / stax, retCpu / staxCpu, retWarm / staxWarm, retWarmCpu / staxWarmCpu));
        table.append("| one file, -Xmx" + memXmx + " | MiB/s | peak RSS (VmHWM) MiB | live heap after GC MiB |\n");
        table.append("|---|---:|---:|---:|\n");
        memoryRow(table, "8 MiB", results.get("ret-8mb"));
        memoryRow(table, bigMb + " MiB", results.get("ret-big"));
        System.out.println(table);
    }

    private static void row(StringBuilder table, String name, List<Map<String, String>> runs, double throughput,
            double perCpuSecond) {
        table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.2f | %.0f | %s |%n", name, throughput,
                perCpuSecond, median(runs, "seconds"), median(runs, "cpuSeconds"), median(runs, "vmHwmKb") / 1024,
                runs.getFirst().containsKey("liveHeapKb") ? String.format(Locale.ROOT, "%.0f", median(runs, "liveHeapKb") / 1024) : "n/a"));
    }

    private static void memoryRow(StringBuilder table, String name, List<Map<String, String>> runs) {
        table.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %.0f |%n", name, throughput(runs, "seconds"),
                median(runs, "vmHwmKb") / 1024, median(runs, "liveHeapKb") / 1024));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
