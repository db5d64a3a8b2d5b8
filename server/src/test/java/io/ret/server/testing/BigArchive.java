package io.ret.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A ZIP with one large XML file of orders, for jobs that must run long enough to be interrupted. */
public final class BigArchive {
    private BigArchive() {
    }

    /** About {@code megabytes} MB of XML; it compresses far beyond the default ratio limit. */
    public static byte[] orders(int megabytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("big/orders.xml"));
            Writer out = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
            out.write("<orders>");
            long target = megabytes * 1024L * 1024;
            long written = 8;
            for (int i = 0; written < target; i++) {
                String order = "<order id=\"" + i + "\"><customer type=\"b2c\"><name>Customer " + (i % 997)
                        + "</name><city>City " + (i % 101) + "</city></customer><line no=\"1\"><sku>SKU-" + (i % 5000)
                        + "</sku><qty>" + (i % 7) + "</qty></line><line no=\"2\"><sku>SKU-" + (i % 4999)
                        + "</sku><qty>1</qty></line><total>" + (i % 1000) + ".50</total></order>\n";
                out.write(order);
                written += order.length();
            }
            out.write("</orders>");
            out.flush();
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
