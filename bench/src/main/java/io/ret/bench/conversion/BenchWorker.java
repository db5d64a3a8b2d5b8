package io.ret.bench.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.ctc.wstx.stax.WstxInputFactory;
import com.sun.management.GarbageCollectionNotificationInfo;

import io.ret.server.conversion.ArchiveConverter;
import io.ret.server.conversion.ConversionOptions;
import io.ret.server.conversion.ConversionProgress;
import io.ret.server.conversion.ConversionSummary;
import io.ret.server.session.archive.ArchiveLimits;

/**
 * One measured run in its own JVM: {@code ret INPUT OUT} (the converter) or
 * {@code stax INPUT} (a bare Woodstox pass that only pulls events); with
 * {@code --warm-up INPUT} the same work is first done three times on that input, untimed,
 * so the measured run sees compiled code, as a long-running server does. Prints one
 * {@code RESULT} line: XML bytes, seconds of work (JVM start excluded), CPU seconds of the
 * process over the same span (all threads: JIT and GC included), peak RSS (VmHWM), and the
 * largest heap still in use after a garbage collection (the live set).
 */
public final class BenchWorker {

    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(args));
        Path warmUp = null;
        int flag = arguments.indexOf("--warm-up");
        if (flag >= 0) {
            warmUp = Path.of(arguments.remove(flag + 1));
            arguments.remove(flag);
        }
        String mode = arguments.get(0);
        Path input = Path.of(arguments.get(1));
        Path out = arguments.size() > 2 ? Path.of(arguments.get(2)) : null;
        if (warmUp != null) {
            for (int i = 0; i < 3; i++) {
                work(mode, warmUp, out == null ? null : out.resolveSibling(out.getFileName() + "-warm-up-" + i));
            }
        }
        AtomicLong liveAfterGc = trackLiveHeap();
        long bytes = xmlBytes(input);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        String detail = work(mode, input, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf("RESULT mode=%s bytes=%d seconds=%.3f cpuSeconds=%.3f vmHwmKb=%d liveHeapKb=%d peakHeapKb=%d %s%n",
                mode + (warmUp != null ? "-warm" : ""), bytes, seconds, cpuSeconds, vmHwmKb(), liveAfterGc.get() / 1024, peakHeapUsed() / 1024, detail);
    }

    private static String work(String mode, Path input, Path out) throws IOException, XMLStreamException {
        return switch (mode) {
            case "ret" -> {
                ConversionSummary summary = new ArchiveConverter(ConversionOptions.defaults(), ArchiveLimits.defaults())
                        .convert(input, out, ConversionProgress.NONE);
                yield "rows=" + summary.rowsWritten() + " csvBytes=" + summary.bytesWritten() + " failed="
                        + summary.filesFailed();
            }
            case "stax" -> "events=" + staxPass(input);
            default -> throw new IllegalArgumentException("mode is ret or stax");
        };
    }

    private static long staxPass(Path input) throws IOException, XMLStreamException {
        XMLInputFactory factory = new WstxInputFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        long events = 0;
        for (Path file : xmlFiles(input)) {
            try (InputStream in = Files.newInputStream(file)) {
                XMLStreamReader reader = factory.createXMLStreamReader(in);
                while (reader.hasNext()) {
                    reader.next();
                    events++;
                }
                reader.close();
            }
        }
        return events;
    }

    static List<Path> xmlFiles(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> files = Files.list(input)) {
            return files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
    }

    private static long xmlBytes(Path input) throws IOException {
        long total = 0;
        for (Path file : xmlFiles(input)) {
            total += Files.size(file);
        }
        return total;
    }

    /** Peak resident set size of this process, from /proc (Linux). */
    static long vmHwmKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static long peakHeapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** The largest heap occupancy right after any collection: what the program really holds. */
    private static AtomicLong trackLiveHeap() {
        AtomicLong max = new AtomicLong();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(e -> isHeap(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed()).sum();
                max.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        return max;
    }

    private static boolean isHeap(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(pool) && p.getType() == MemoryType.HEAP);
    }
}
