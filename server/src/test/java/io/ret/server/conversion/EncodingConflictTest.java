package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ZipBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A byte-order mark and an XML declaration that name different encodings fail that file
 * with a message saying so, instead of converting "é" to "Ã©"; files whose mark and
 * declaration agree (or that have only one of them) convert as before.
 */
class EncodingConflictTest {

    @TempDir
    Path dir;

    @Test
    void aUtf8ByteOrderMarkWithAnIsoDeclarationFailsTheFileClearly() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("conflict.xml", withUtf8Bom("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><v>é</v></r>"));
        entries.put("agrees.xml", withUtf8Bom("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><v>é</v></r>"));
        entries.put("plain.xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><v>e</v></r>");
        Path zip = ZipBytes.write(dir.resolve("enc.zip"), ZipBytes.zip(entries));

        ConversionSummary summary = new ArchiveConverter(ConversionOptions.defaults(), ArchiveLimits.defaults())
                .convert(zip, dir.resolve("out"), ConversionProgress.NONE);

        assertThat(summary.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.path()).isEqualTo("conflict.xml");
            assertThat(failure.reason()).contains("UTF-8 byte-order mark").contains("ISO-8859-1").contains("conflict");
        });
        assertThat(summary.filesSucceeded()).isEqualTo(2);
        StringBuilder written = new StringBuilder(); // merged: the two good files share one table
        for (TableOutput output : summary.outputs()) {
            written.append(Files.readString(dir.resolve("out").resolve(output.path())));
        }
        assertThat(written).contains("é").doesNotContain("Ã");
    }

    private static byte[] withUtf8Bom(String xml) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
