package io.ret.bench.conversion;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The converter's first pass alone (issue 11, point 9): every file of a corpus scanned into a
 * spill file, as {@code ret convert} does (2 threads, default options), in a fresh JVM per run,
 * with the server build under test and optionally an older one, runs alternating. Each JVM
 * scans the corpus {@code --passes} times: the first pass is what a fresh {@code ret convert}
 * pays (JIT warm-up included), the last one the steady state. The JVM's CPU seconds are those
 * of the whole process (JIT and GC threads included), measured by the worker at its end.
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.conversion.ScanBench \
 *      --corpus DIR [--reps 5] [--passes 3] [--before-jar OLD/ret-server.jar]
 * </pre>
 *
 * The corpus is a directory of XML files, e.g. FreshProcessBench's {@code corpus-64}; one is
 * generated there (8 files, {@code --mb} MiB in all) if it holds none.
 */
public final class ScanBench {

    private static final int FILES = 8;

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            worker(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path corpus = Path.of(options.getOrDefault("--corpus", System.getProperty("java.io.tmpdir") + "/ret-scan-bench"));
        int reps = Integer.parseInt(options.getOrDefault("--reps", "5"));
        int passes = Integer.parseInt(options.getOrDefault("--passes", "3"));
        generate(corpus, Integer.parseInt(options.getOrDefault("--mb", "64")));
        String classPath = System.getProperty("java.class.path");
        Map<String, String> builds = new LinkedHashMap<>();
        if (options.containsKey("--before-jar")) {
            // the older server jar first, so its classes win over this build's
            builds.put("before", options.get("--before-jar") + java.io.File.pathSeparator + classPath);
        }
        builds.put("this build", classPath);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        builds.keySet().forEach(name -> results.put(name, new ArrayList<>()));
        List<String> names = new ArrayList<>(builds.keySet());
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((k + rep) % names.size());
                double[] run = run(builds.get(name), corpus, passes);
                System.out.printf(Locale.ROOT, "RUN build=\"%s\" firstPass=%.3f lastPass=%.3f cpuSeconds=%.2f load=%s%n",
                        name, run[0], run[passes - 1], run[passes], loadAverage());
                results.get(name).add(run);
            }
        }
        double mib = corpusBytes(corpus) / (1024.0 * 1024);
        System.out.printf(Locale.ROOT, "%n%s %s, %d cores; %.1f MiB in %s; medians of %d; %d passes per JVM%n%n",
                System.getProperty("java.vm.name"), Runtime.version(), Runtime.getRuntime().availableProcessors(),
                mib, corpus, reps, passes);
        System.out.println("| build | first pass s (wall) | MiB/s | last pass s (wall) | MiB/s | JVM CPU s (all passes) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
            double first = median(entry.getValue(), 0);
            double last = median(entry.getValue(), passes - 1);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.1f | %.3f | %.1f | %.2f |%n", entry.getKey(), first,
                    mib / first, last, mib / last, median(entry.getValue(), passes));
        }
        System.out.println("load average at the end " + loadAverage());
    }

    /** One fresh JVM: the seconds of each pass, then the process's CPU seconds. */
    private static double[] run(String classPath, Path corpus, int passes) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", classPath, ScanBench.class.getName(), "--worker",
                corpus.toString(), Integer.toString(passes)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("worker failed:\n" + output);
        }
        String line = output.lines().filter(l -> l.startsWith("PASSES ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result:\n" + output));
        String[] fields = line.substring("PASSES ".length()).split(" ");
        double[] values = new double[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = Double.parseDouble(fields[i]);
        }
        return values;
    }

    /** Scans every file like the converter's first pass, on 2 threads, {@code passes} times. */
    private static void worker(Path corpus, int passes) throws Exception {
        Class<?> converterClass = Class.forName("io.ret.server.conversion.FileConverter");
        Class<?> optionsClass = Class.forName("io.ret.server.conversion.ConversionOptions");
        Class<?> progressClass = Class.forName("io.ret.server.conversion.ConversionProgress");
        Object options = optionsClass.getMethod("defaults").invoke(null);
        Object progress = progressClass.getField("NONE").get(null);
        Path spills = Files.createTempDirectory("ret-scan-bench");
        Class<?> budgetClass = Class.forName("io.ret.server.conversion.Spill$Budget");
        Constructor<?> budgetConstructor = budgetClass.getDeclaredConstructor(long.class);
        budgetConstructor.setAccessible(true);
        Object budget = budgetConstructor.newInstance(0L); // every spill to a file, as for a corpus of large files
        Constructor<?> constructor = converterClass.getDeclaredConstructor(optionsClass, progressClass, Path.class,
                budgetClass);
        constructor.setAccessible(true);
        Object converter = constructor.newInstance(options, progress, spills, budget);
        Method scan = converterClass.getDeclaredMethod("scan", String.class, InputStream.class);
        scan.setAccessible(true);
        Method spill = Class.forName("io.ret.server.conversion.FileConverter$Scanned").getDeclaredMethod("spill");
        spill.setAccessible(true);
        Method delete = Class.forName("io.ret.server.conversion.Spill").getDeclaredMethod("delete");
        delete.setAccessible(true);
        List<Path> files = xmlFiles(corpus);
        StringBuilder result = new StringBuilder("PASSES");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int pass = 0; pass < passes; pass++) {
                long start = System.nanoTime();
                List<Future<?>> scans = new ArrayList<>();
                for (Path file : files) {
                    scans.add(threads.submit(() -> {
                        Object scanned;
                        try (InputStream in = Files.newInputStream(file)) {
                            scanned = scan.invoke(converter, file.getFileName().toString(), in);
                        }
                        delete.invoke(spill.invoke(scanned));
                        return null;
                    }));
                }
                for (Future<?> f : scans) {
                    f.get();
                }
                result.append(String.format(Locale.ROOT, " %.4f", (System.nanoTime() - start) / 1e9));
            }
        } finally {
            threads.shutdown();
            Files.delete(spills);
        }
        double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        System.out.println(result.append(String.format(Locale.ROOT, " %.3f", cpu)));
    }

    private static double median(List<double[]> runs, int index) {
        List<Double> sorted = runs.stream().map(r -> r[index]).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Path> xmlFiles(Path corpus) throws Exception {
        try (Stream<Path> list = Files.list(corpus)) {
            return list.filter(p -> p.toString().endsWith(".xml")).sorted(Comparator.naturalOrder()).toList();
        }
    }

    private static void generate(Path corpus, int totalMb) throws Exception {
        Files.createDirectories(corpus);
        if (!xmlFiles(corpus).isEmpty()) {
            return;
        }
        long fileBytes = totalMb * 1024L * 1024 / FILES;
        for (int i = 0; i < FILES; i++) {
            // the seeds of FreshProcessBench: the same corpus
            CorpusGenerator.writeFile(corpus.resolve(String.format("orders-%03d.xml", i)), fileBytes, 100L * totalMb + i);
        }
    }

    private static long corpusBytes(Path corpus) throws Exception {
        return xmlFiles(corpus).stream().mapToLong(p -> p.toFile().length()).sum();
    }

    private static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
