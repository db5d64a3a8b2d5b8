package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void daffOutputAndExitCodeOneWhenFilesDiffer() {
        Diffs.write(dir, "a.csv", "id,v,ts\n1,a,1\n2,b,1\n");
        Diffs.write(dir, "b.csv", "id,v,ts\n1,A,2\n2,b,2\n");
        assertThat(run("a.csv", "b.csv", "--ignore", "ts")).isEqualTo(1);
        assertThat(out()).isEqualTo("@@,id,v,ts\n->,1,a->A,2\n");
        assertThat(run("a.csv", "b.csv", "--ignore", "ts", "--ignore-case")).isZero();
    }

    @Test
    void summaryAndJsonLinesFormats() {
        Diffs.write(dir, "a.csv", "k;v\n1;a\n");
        Diffs.write(dir, "b.csv", "k,v\n1,b\n2,c\n");
        assertThat(run("a.csv", "b.csv", "--key", "k", "--format", "summary")).isEqualTo(1);
        assertThat(out()).contains("b.csv", "MATCHED", "0.000000", "key k")
                .contains("rows added 1, removed 0, modified 1, unchanged 0");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("left: read as UTF-8 with delimiter ';'");
        assertThat(run("a.csv", "b.csv", "--key", "k", "--format", "jsonl")).isEqualTo(1);
        assertThat(out().lines()).hasSize(2).allMatch(line -> line.startsWith("{\"file\":\"b.csv\""));
    }

    @Test
    void usageErrorsAndFailedFilesExitTwo() {
        Diffs.write(dir, "a.csv", "id\n1\n");
        assertThat(run("a.csv")).isEqualTo(2);
        assertThat(run("a.csv", "a.csv", "--bogus")).isEqualTo(2);
        assertThat(run("a.csv", "a.csv", "--key", "id", "--keyless")).isEqualTo(2);
        assertThat(run("a.csv", "missing.csv")).isEqualTo(2);
        assertThat(run("a.csv", "a.csv", "--key", "nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILED: key column 'nope' is missing on either side");
    }

    @Test
    void directoriesAreComparedFileByFile() {
        Diffs.write(dir, "l/x.csv", "id,v\n1,a\n");
        Diffs.write(dir, "r/x.csv", "id,v\n1,b\n");
        assertThat(run("l", "r", "--memory", "1")).isEqualTo(1);
        assertThat(out()).isEqualTo("# x.csv\n@@,id,v\n->,1,a->b\n");
    }

    @Test
    void twoConversionOutputsAreComparedOnTheirSchemasNaturalKeys() throws Exception {
        // the right side numbers its rows differently and came from other lines of another file: only the status differs
        Diffs.write(dir, "l/order.csv", "_id,_file,_line,@id,status\n1,jan.xml,2,1001,open\n2,jan.xml,7,1002,open\n");
        Diffs.write(dir, "r/order.csv", "_id,_file,_line,@id,status\n1,feb.xml,2,1000,new\n2,feb.xml,9,1001,open\n"
                + "3,feb.xml,15,1002,paid\n");
        TableSchema orders = new TableSchema("order", "order.csv", "", "/orders/order", "", List.of("@id"), List.of(),
                KeySource.DETECTED, 2, List.of(new ColumnSchema("_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                new ColumnSchema("_file", ColumnType.STRING, ColumnRole.PROVENANCE, 0),
                new ColumnSchema("_line", ColumnType.INTEGER, ColumnRole.PROVENANCE, 0),
                ColumnSchema.data("@id", ColumnType.INTEGER, 0), ColumnSchema.data("status", ColumnType.STRING, 0)));
        new DataPackage(Layout.MERGED, List.of(orders)).write(dir.resolve("l"));
        new DataPackage(Layout.MERGED, List.of(orders)).write(dir.resolve("r"));
        assertThat(run("l", "r")).isEqualTo(1);
        assertThat(out()).isEqualTo("# order\n@@,_id,_file,_line,@id,status\n->,3,feb.xml,15,1002,open->paid\n"
                + "+++,1,feb.xml,2,1000,new\n");
        assertThat(run("l", "r", "--format", "summary", "--table-key", "order=status")).isEqualTo(1);
        assertThat(out()).contains("key status").contains("rows added 2, removed 1, modified 0, unchanged 1");
        assertThat(run("l", "r", "--table-key", "order")).isEqualTo(2);
    }

    private int run(String... args) {
        out.reset();
        List<String> resolved = new ArrayList<>();
        for (String arg : args) {
            resolved.add(arg.endsWith(".csv") || arg.equals("l") || arg.equals("r") ? dir.resolve(arg).toString() : arg);
        }
        return DiffCommand.run(resolved, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
