package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritersTest {
    @TempDir
    Path dir;

    @Test
    void daffHighlighterWithSchemaRowArrowsAndNulls() {
        StringWriter text = new StringWriter();
        DaffWriter daff = new DaffWriter(text, false);
        CsvDiffEngine.diff(Diffs.write(dir, "l.csv", "id,name,age,old\n1,Ann,30,x\n2,Bob,40,y\n3,Cy,50,z\n4,Di,1,w\n"),
                Diffs.write(dir, "r.csv", "id,age,name,city\n1,30,Ann,X\n2,41,\"Bob, Jr\",Y\n4,1,Di->x,NULL\n5,7,Ed,Q\n"),
                "t.csv", DiffOptions.defaults().withWorkDir(dir), daff, DiffProgress.NONE);
        daff.flush();
        assertThat(text.toString()).isEqualTo("""
                !,,,:,+++,---
                @@,id,age,name,city,old
                ->,2,40->41,"Bob->Bob, Jr",Y,y
                ---,3,50,Cy,NULL,z
                -->,4,1,Di-->Di->x,_NULL,w
                +++,5,7,Ed,Q,NULL
                """);
    }

    @Test
    void daffTablesAreLabelledWhenSeveralFilesShareAStream() {
        StringWriter text = new StringWriter();
        DaffWriter daff = new DaffWriter(text, true);
        daff.beginFile("a.csv", List.of("k"), List.of("k"));
        daff.accept(new RowDelta("a.csv", ChangeType.ADDED, List.of(), 0, 1, List.of(), List.of(), List.of(" x ")));
        daff.beginFile("b.csv", List.of("k"), List.of("k"));
        daff.flush();
        assertThat(text.toString()).isEqualTo("# a.csv\n@@,k\n+++,\" x \"\n\n# b.csv\n@@,k\n");
    }

    @Test
    void jsonLinesOneObjectPerDelta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonLinesWriter json = new JsonLinesWriter(bytes);
        json.accept(new RowDelta("f.csv", ChangeType.MODIFIED, List.of("7"), 3, 4,
                List.of(new CellChange("v", "a\"b", "ü")), List.of("7", "a\"b"), List.of("7", "ü")));
        json.accept(new RowDelta("f.csv", ChangeType.REMOVED, List.of(), 9, 0, List.of(), List.of("x"), List.of()));
        json.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                {"file":"f.csv","type":"MODIFIED","key":["7"],"leftRow":3,"rightRow":4,\
                "changes":[{"column":"v","before":"a\\"b","after":"ü"}],"before":["7","a\\"b"],"after":["7","ü"]}
                {"file":"f.csv","type":"REMOVED","key":[],"leftRow":9,"rightRow":0,"changes":[],\
                "before":["x"],"after":[]}
                """);
    }
}
