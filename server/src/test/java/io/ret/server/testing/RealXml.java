package io.ret.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real public XML (src/test/resources/real/README.md) as archive entries, in two versions:
 * the files as published, and a copy with the edits of a month: one record removed, one
 * added among the others, one value changed, and a second child given to a record that had
 * one. Entry names end in {@code .xml}, as the archive reader wants.
 */
public final class RealXml {

    private RealXml() {
    }

    /** An OpenStreetMap street download and a JOSM save: nodes, ways and a relation. */
    public static Map<String, String> osm(boolean edited) {
        String road = resource("osm/road.osm");
        if (edited) {
            road = remove(road, " <node id=\"1299329303\"", "/>\n");
            road = insertAfterLine(road, "<node id=\"5599382\"", " <node id=\"9000000001\" visible=\"true\" version=\"1\""
                    + " changeset=\"26063898\" timestamp=\"2014-10-14T04:09:11Z\" user=\"Seandebasti\" uid=\"550560\""
                    + " lat=\"51.0286000\" lon=\"13.7248800\"/>\n");
            road = replaceOnce(road, "<tag k=\"maxspeed\" v=\"30\"/>", "<tag k=\"maxspeed\" v=\"50\"/>");
            int node = road.indexOf("<node id=\"250384970\"");
            road = road.substring(0, node) + replaceOnce(road.substring(node), "  <tag k=\"created_by\" v=\"JOSM\"/>\n",
                    "  <tag k=\"created_by\" v=\"JOSM\"/>\n  <tag k=\"highway\" v=\"crossing\"/>\n");
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("road.xml", road);
        files.put("upd-mp.xml", resource("osm/upd-mp.osm"));
        return files;
    }

    /** A MediaWiki export: two pages of one revision each. */
    public static Map<String, String> mediawiki(boolean edited) {
        String export = resource("mediawiki/ImportLinkCacheIntegrationTest.xml");
        if (edited) {
            export = remove(export, "    <page>\n        <title>Category:Lorem ipsum</title>", "</page>\n");
            export = replaceOnce(export, "<sha1>94lztkh4kgb0mvjr87iyjfq4iv7ltlh</sha1>", "<sha1>0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5</sha1>");
            export = replaceOnce(export, "        </revision>\n", "        </revision>\n" + revision(1400, "Lorem ipsum, shorter"));
            export = replaceOnce(export, "    </page>\n", "    </page>\n    <page>\n        <title>Dolor sit</title>\n"
                    + "        <ns>0</ns>\n        <id>494</id>\n        <sha1>dolorsitdolorsitdolorsitdolorsi</sha1>\n"
                    + revision(1401, "Dolor sit amet") + "    </page>\n");
        }
        return Map.of("wiki.xml", export);
    }

    private static String revision(int id, String text) {
        return "        <revision>\n            <id>" + id + "</id>\n            <timestamp>2014-04-05T10:00:00Z</timestamp>\n"
                + "            <contributor>\n                <username>Tester</username>\n                <id>1</id>\n"
                + "            </contributor>\n            <text xml:space=\"preserve\" bytes=\"" + text.length() + "\">"
                + text + "</text>\n        </revision>\n";
    }

    /** Three ISO 20022 camt.053 statement files: four statements, each with its balances and one entry. */
    public static Map<String, String> iso20022(boolean edited) {
        String multi = resource("iso20022/camt053.v2.multi.statement.xml");
        String withName = resource("iso20022/camt053.v2.with-account-name.xml");
        if (edited) {
            int first = multi.indexOf("        <Stmt>");
            int second = multi.indexOf("        <Stmt>", first + 1);
            int end = multi.indexOf("</Stmt>\n", second) + "</Stmt>\n".length();
            String kept = multi.substring(second, end);
            String added = replaceOnce(kept, "<Id>254EURNL26VAYB8060476890</Id>", "<Id>255EURNL26VAYB8060476890</Id>");
            String changed = replaceOnce(kept, "<AddtlStmtInf>Additional Information</AddtlStmtInf>",
                    "<AddtlStmtInf>Additional Information, corrected</AddtlStmtInf>");
            multi = multi.substring(0, first) + added + changed + multi.substring(end);
            int bal = withName.indexOf("            <Bal>");
            int balEnd = withName.indexOf("</Bal>\n", bal) + "</Bal>\n".length();
            String closing = replaceOnce(replaceOnce(withName.substring(bal, balEnd), "<Cd>CLAV</Cd>", "<Cd>CLBD</Cd>"),
                    ">2700<", ">2800<");
            withName = withName.substring(0, balEnd) + closing + withName.substring(balEnd);
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("camt053.v2.all-balance-types.xml", resource("iso20022/camt053.v2.all-balance-types.xml"));
        files.put("camt053.v2.multi.statement.xml", multi);
        files.put("camt053.v2.with-account-name.xml", withName);
        return files;
    }

    public static String resource(String path) {
        try (InputStream in = RealXml.class.getResourceAsStream("/real/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource real/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with the first {@code from} replaced by {@code to}; an edit that misses its target fails. */
    static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0) {
            throw new IllegalStateException("edit target not found: " + from);
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    /** Removes from the start marker up to and including the first end marker after it. */
    private static String remove(String text, String start, String end) {
        int at = text.indexOf(start);
        if (at < 0) {
            throw new IllegalStateException("edit target not found: " + start);
        }
        int to = text.indexOf(end, at) + end.length();
        return text.substring(0, at) + text.substring(to);
    }

    private static String insertAfterLine(String text, String marker, String line) {
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("edit target not found: " + marker);
        }
        int eol = text.indexOf('\n', at) + 1;
        return text.substring(0, eol) + line + text.substring(eol);
    }
}
