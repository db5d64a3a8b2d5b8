package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.column;
import static io.ret.server.conversion.Fixtures.convertAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;

/**
 * Real documents with mixed content (PubMed abstracts with italics, sub- and superscripts and
 * MathML, a TEI text with notes inside paragraphs and table cells, a JATS article): each mixed
 * element is one cell holding its string-value, as XPath {@code string()} gives it, trimmed.
 */
class MixedContentRealDocumentsTest {

    @TempDir
    Path dir;

    static String resource(String path) throws IOException {
        try (InputStream in = MixedContentRealDocumentsTest.class.getResourceAsStream("/real/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private DataPackage convert(String name, String... files) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String file : files) {
            entries.put(file.substring(file.lastIndexOf('/') + 1), resource(file));
        }
        return convertAll(dir, entries, ConversionOptions.defaults(), name);
    }

    /** No table and no column comes from inside one of these elements (their own attributes stay). */
    private static void assertNothingFromInside(DataPackage schema, String... mixedSources) {
        for (TableSchema table : schema.tables()) {
            for (String source : mixedSources) {
                assertThat(table.recordPath()).as(table.name()).doesNotStartWith(source + "/");
                for (ColumnSchema column : table.columns()) {
                    if (!column.source().startsWith(source + "/@")) {
                        assertThat(column.source()).as(table.name() + ": " + column.name()).doesNotStartWith(source + "/");
                    }
                }
            }
        }
    }

    @Test
    void pubmedAbstractsKeepTheirItalicSubscriptAndMathWords() throws Exception {
        DataPackage schema = convert("pubmed", "pubmed/pubmed4.xml", "pubmed/pubmed5.xml", "pubmed/pubmed6.xml");
        Path out = dir.resolve("pubmed");
        String table = "PubmedArticle.MedlineCitation.Article.Abstract.AbstractText";

        List<String> abstracts = column(out, schema, table, "AbstractText");
        assertThat(abstracts).hasSize(9);
        assertThat(abstracts.get(3)).isEqualTo("Prediagnostic leucocyte telomere length and genetic variants at the "
                + "TERT gene region were associated with risk of pancreatic cancer.");
        assertThat(abstracts.get(0)).contains("genetic variants at the telomerase reverse transcriptase (TERT) gene region");
        assertThat(abstracts.get(2)).contains("95% CI 1.07 to 2.78; ptrend=0.048).");
        assertThat(abstracts).anySatisfy(text -> assertThat(text)
                .contains("(ORQ3=4.15, 95% CI 1.56 to 11.01, ORQ4=4.76, 95% CI 1.53 to 14.82, ptrend"));
        // MathML inside the abstract: its text in document order, the indentation inside it as written
        assertThat(abstracts.getLast()).startsWith("Maximal Lactate Steady State (MLSS)")
                .contains("Thirteen male endurance-trained [VMLSS 15.0 ± 1.1 km·h-1; maximal oxygen uptake ( \n")
                .contains("to determine VMLSS with a precision of 0.20 km·h-1.");
        ColumnSchema text = schema.table(table).orElseThrow().column("AbstractText").orElseThrow();
        assertThat(text.mixed()).isTrue();
        assertThat(text.source()).isEqualTo("/PubmedArticleSet/PubmedArticle/MedlineCitation/Article/Abstract/AbstractText");
        assertThat(schema.table(table).orElseThrow().columns()).extracting(ColumnSchema::name)
                .containsExactly("_id", "_parent_id", "_root_id", "_file", "_line", "PubmedArticle.MedlineCitation.PMID",
                        "_position", "@Label", "AbstractText", "@NlmCategory");
        assertNothingFromInside(schema, text.source());
        Fixtures.assertEveryCellTrimmed(out, schema);
    }

    @Test
    void aTeiTextsParagraphsAndCellsIncludeTheirNotesAndNoteAttributesAreDropped() throws Exception {
        DataPackage schema = convert("tei", "tei/testnotes1.xml");
        Path out = dir.resolve("tei");

        assertThat(column(out, schema, "TEI.text.body.table.row.cell", "cell")).containsExactly(
                "1", "textwith footnote", "2", "textwith ordinary note", "3", "no text, with footnote",
                "4", "no text, with note", "5", "Display note (no other content\n\t  in cell)",
                "6", "Some ordinary context and Display note");
        List<String> paragraphs = column(out, schema, "TEI.text.body.p", "p");
        assertThat(paragraphs).hasSize(10);
        assertThat(paragraphs.getFirst()).isEqualTo("Lorem ipsum dolor sit amet\n      Lorem ipsum dolor sit amet\n"
                + "      Lorem ipsum dolor sit ametplain note in first paragraph      Lorem ipsum dolor sit amet");
        assertThat(paragraphs.get(2)).contains("ametMarginal note in third paragraph with an embedded list catsdogs innit"
                + " ipsum\n").contains("BEFORE Marginal note with para in third paragraph with an embedded list catsdogs"
                + " innit AFTER ipsum");
        assertThat(paragraphs.getLast()).startsWith("And \n").contains("Besides, tuus Apollo is spoke in relation to Latona,"
                + " Sister to Apollo.").endsWith("could not be meant of Augustus, who assumed"
                + " not that name till the Battel of Actium was over, which was about the Year of Rome 718, five Years"
                + " after Pollio's Consulship, when this Poem was wrote.");
        assertThat(column(out, schema, "TEI.text.body.div1.div2.p", "p"))
                .containsExactly("hello", "A note here A footnote in section 1", "");
        assertNothingFromInside(schema, "/TEI/text/body/p", "/TEI/text/body/table/row/cell", "/TEI/text/body/div1/p",
                "/TEI/text/body/div1/div2/p");
        // a note that is not inside a mixed element stays a column of its own
        assertThat(column(out, schema, "TEI", "text.body.note")).containsExactly("A free-standing note");
    }

    @Test
    void aJatsArticlesParagraphsKeepTheirItalicBoldAndLinkedWords() throws Exception {
        DataPackage schema = convert("jats", "jats/elife07586.xml");
        Path out = dir.resolve("jats");

        assertThat(column(out, schema, "article", "body.boxed-text.p")).containsExactly("Hladik F, Burgener A,"
                + " Ballweber L, Gottardo R, Vojtech L, Fourati S, Dai JY, Cameron MJ, Strobl J, Hughes SM, Hoesley C,"
                + " Andrew P, Johnson S, Piper J, Friend DR, Ball TB, Cranston RD, Mayer KH, McElrath MJ, McGowan I."
                + " 2015. Muscosal effects for tenofovir 1% gel. eLife 4:e04525. doi: 10.7554/eLife.04525."
                + " Published 3 February 2015");
        assertThat(column(out, schema, "article", "front.article-meta.permissions.license.license-p")).containsExactly(
                "This article is distributed under the terms of the Creative Commons Attribution License, which permits"
                        + " unrestricted use and redistribution provided that the original author and source are credited.");
        assertNothingFromInside(schema, "/article/body/boxed-text/p", "/article/front/article-meta/permissions/license/license-p");
        assertThat(schema.table("article").orElseThrow().columns()).extracting(ColumnSchema::name)
                .doesNotContain("body.boxed-text.p.italic", "body.boxed-text.p.ext-link@xlink:href",
                        "front.article-meta.permissions.license.license-p.ext-link");
    }
}
