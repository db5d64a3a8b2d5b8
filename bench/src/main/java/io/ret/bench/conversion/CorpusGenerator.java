package io.ret.bench.conversion;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes order exports shaped like real ones: a header, then orders with attributes, a
 * customer with a nested address, one to six lines each with a nested product, and
 * optional fields (email, discount, notes with characters that need escaping).
 * Deterministic for a given seed.
 */
final class CorpusGenerator {

    private static final String[] CITIES = {"Berlin", "Paris", "Zürich", "København", "Madrid", "Praha", "東京", "Québec"};
    private static final String[] NAMES = {"Acme GmbH", "Zed & Co", "Müller AG", "O'Brien Ltd", "Smith \"Tools\"", "Åsa AB"};
    private static final String[] PRODUCTS = {"Widget", "Gadget, large", "Sprocket", "Flange <steel>", "Bolt M8", "Nut"};

    private CorpusGenerator() {
    }

    /** One file of about {@code targetBytes} (it stops after the order that crosses it). */
    static long writeFile(Path file, long targetBytes, long seed) throws IOException {
        Random random = new Random(seed);
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            CountingWriter counted = new CountingWriter(out);
            counted.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            counted.write("<export xmlns:x=\"urn:example:ext\" created=\"2024-06-01T12:00:00Z\" source=\"erp-7\">\n");
            counted.write("  <header><system>ERP</system><batch>" + seed + "</batch></header>\n  <orders>\n");
            long id = seed * 10_000_000L;
            while (counted.count < targetBytes) {
                order(counted, random, ++id);
            }
            counted.write("  </orders>\n</export>\n");
            return counted.count;
        }
    }

    private static void order(CountingWriter out, Random random, long id) throws IOException {
        out.write("    <order id=\"" + id + "\" status=\"" + (random.nextInt(5) == 0 ? "open" : "shipped") + "\">\n");
        out.write("      <date>2024-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + "</date>\n");
        out.write("      <customer type=\"" + (random.nextBoolean() ? "b2b" : "b2c") + "\">\n");
        out.write("        <name>" + escape(NAMES[random.nextInt(NAMES.length)]) + "</name>\n");
        if (random.nextInt(3) > 0) {
            out.write("        <email>c" + random.nextInt(100_000) + "@example.com</email>\n");
        }
        out.write("        <address kind=\"billing\"><street>" + (1 + random.nextInt(200)) + " Main Street</street>"
                + "<city>" + CITIES[random.nextInt(CITIES.length)] + "</city><zip>" + (10000 + random.nextInt(89999))
                + "</zip><country code=\"DE\"/></address>\n");
        out.write("      </customer>\n      <lines>\n");
        int lines = 1 + random.nextInt(6);
        for (int n = 1; n <= lines; n++) {
            out.write("        <line no=\"" + n + "\">\n");
            out.write("          <product sku=\"SKU-" + random.nextInt(1_000_000) + "\"><name>"
                    + escape(PRODUCTS[random.nextInt(PRODUCTS.length)]) + "</name><price currency=\"EUR\">"
                    + random.nextInt(1000) + "." + random.nextInt(100) + "</price></product>\n");
            out.write("          <qty>" + (1 + random.nextInt(20)) + "</qty>\n");
            if (random.nextInt(4) == 0) {
                out.write("          <discount pct=\"" + random.nextInt(30) + "\"/>\n");
            }
            out.write("        </line>\n");
        }
        out.write("      </lines>\n");
        if (random.nextInt(5) == 0) {
            out.write("      <notes>Call before delivery, \"gate 3\" &amp; ring twice\nsecond line</notes>\n");
        }
        out.write("      <x:ext>v" + random.nextInt(10) + "</x:ext>\n");
        out.write("      <total currency=\"EUR\">" + random.nextInt(100_000) + ".00</total>\n    </order>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Counts UTF-8 bytes written, close enough for sizing (the text is mostly ASCII). */
    private static final class CountingWriter {
        private final Writer out;
        long count;

        CountingWriter(Writer out) {
            this.out = out;
        }

        void write(String text) throws IOException {
            out.write(text);
            count += text.getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
