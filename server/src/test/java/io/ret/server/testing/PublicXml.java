package io.ret.server.testing;

import static io.ret.server.testing.RealXml.replaceOnce;
import static io.ret.server.testing.RealXml.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * More real public XML of other shapes (src/test/resources/real/README.md, "Other shapes"):
 * feeds, a sitemap, GPS and map files, a test report, an alert, PubMed and MARC records,
 * exchange rates, app strings and a translation file. Entry names keep their real extensions.
 * Where a format has an edited second version, it holds the edits of a month: one record
 * removed in the middle, one inserted at the top, one value changed, and where the shape
 * allows, records reordered and a second child for a record that had one.
 */
public final class PublicXml {

    private PublicXml() {
    }

    /** A news sitemap: 74 urls keyed by their {@code loc}, with images and video tags. */
    public static Map<String, String> sitemap(boolean edited) {
        String text = resource("sitemap/hebdenbridgetimes-articles-sitemap.xml");
        if (edited) {
            Blocks urls = Blocks.of(text, "<url>", "</url>", "\n");
            urls.remove("tour-racing-ahead-to-calderdale-1-7239866</loc>");
            urls.edit("cyclist-taken-to-hospital-after-crash-on-tour-de-yorkshire-route-1-7242335</loc>",
                    "<lastmod>2015-05-03T14:44:19+01:00</lastmod>", "<lastmod>2015-05-04T09:00:00+01:00</lastmod>");
            urls.edit("video-tour-de-yorkshire-in-calderdale-1-7242580</loc>", "</image:image>",
                    "</image:image><image:image><image:loc>http://www.hebdenbridgetimes.co.uk/webimage/extra-2.jpg"
                            + "</image:loc><image:caption>A second picture</image:caption></image:image>");
            urls.moveLastTo(1);
            urls.insert(0, "<url><loc>http://www.hebdenbridgetimes.co.uk/news/local/new-article-1-7300000</loc>"
                    + "<changefreq>daily</changefreq><lastmod>2015-05-05T10:00:00+01:00</lastmod></url>");
            text = urls.join();
        }
        return Map.of("articles-sitemap.xml", text);
    }

    /** The ECB's daily reference rates: one {@code Cube} per currency. */
    public static Map<String, String> ecbRates(boolean edited) {
        String text = resource("ecb/eurofxref-daily.xml");
        if (edited) {
            text = replaceOnce(text, "\t\t\t<Cube currency='GBP' rate='0.84770'/>\n", "");
            text = replaceOnce(text, "rate='163.36'", "rate='163.40'");
            text = replaceOnce(text, "\t\t\t<Cube currency='USD'", "\t\t\t<Cube currency='XAU' rate='0.0004'/>\n"
                    + "\t\t\t<Cube currency='USD'");
        }
        return Map.of("eurofxref-daily.xml", text);
    }

    /** An Android app's string resources: strings and plurals, each by {@code @name}. */
    public static Map<String, String> androidStrings(boolean edited) {
        String text = resource("android/strings.xml");
        if (edited) {
            text = replaceOnce(text, ">My garden</string>", ">My plants</string>");
            int available = text.indexOf("    <string name=\"available\"");
            text = text.substring(0, available) + text.substring(text.indexOf('\n', available) + 1);
            text = replaceOnce(text, "    <string name=\"app_name\"", "    <string name=\"new_first\">New</string>\n"
                    + "    <string name=\"app_name\"");
            int plurals = text.indexOf("<plurals name=\"watering_next\"");
            int end = text.indexOf("</plurals>", plurals);
            text = text.substring(0, end) + "    <item quantity=\"few\">water in %d days (few).</item>\n    "
                    + text.substring(end);
        }
        return Map.of("strings.xml", text);
    }

    /** An XLIFF 1.2 file: five translation units by {@code @id}. */
    public static Map<String, String> xliff(boolean edited) {
        String text = resource("xliff/resources.xlf");
        if (edited) {
            text = replaceOnce(text, "      <trans-unit id=\"2\">\n        <source>extra</source>\n      </trans-unit>\n", "");
            text = replaceOnce(text, "<target>with</target>", "<target>without</target>");
            text = replaceOnce(text, "      <trans-unit id=\"1\">", "      <trans-unit id=\"0\">\n        <source>zero</source>\n"
                    + "        <target>null</target>\n      </trans-unit>\n      <trans-unit id=\"1\">");
        }
        return Map.of("resources.xlf", text);
    }

    /** A JUnit report of eight test cases, by {@code @name}. */
    public static Map<String, String> junitReport(boolean edited) {
        String text = resource("junit/junit-report-20090516.xml");
        if (edited) {
            String prefix = "<testcase name=\"org.twia.vendor.VendorManagerTest.";
            text = replaceOnce(text, prefix + "testUpdateVendorFirm\" time=\"0.953\"/>\n", "");
            text = replaceOnce(text, "testAddVendorLocation\" time=\"2.502\"", "testAddVendorLocation\" time=\"2.600\"");
            text = replaceOnce(text, prefix + "testGetVendorFirmKeyForVendorRep\"", prefix + "testNew\" time=\"0.100\"/>\n"
                    + prefix + "testGetVendorFirmKeyForVendorRep\"");
        }
        return Map.of("junit-report.xml", text);
    }

    /**
     * Three PubMed articles, one per file. Edited: the third file is gone, the second
     * article's title is corrected, and the first gets a second keyword.
     */
    public static Map<String, String> pubmed(boolean edited) {
        String first = resource("pubmed/pubmed4.xml");
        String second = resource("pubmed/pubmed5.xml");
        Map<String, String> files = new LinkedHashMap<>();
        if (edited) {
            String keyword = "<Keyword MajorTopicYN=\"Y\">PANCREATIC CANCER</Keyword>";
            first = replaceOnce(first, keyword, keyword + "\n            <Keyword MajorTopicYN=\"N\">TELOMERE</Keyword>");
            second = replaceOnce(second, "applicators.</ArticleTitle>", "applicators (corrected).</ArticleTitle>");
        }
        files.put("pubmed4.xml", first);
        files.put("pubmed5.xml", second);
        if (!edited) {
            files.put("pubmed6.xml", resource("pubmed/pubmed6.xml"));
        }
        return files;
    }

    /** An RSS 2.0 feed of four items, two without a guid: no key; edited: one title changed. */
    public static Map<String, String> rss(boolean edited) {
        String text = resource("rss/feed.rss");
        if (edited) {
            text = replaceOnce(text, "<title>Example entry</title>", "<title>Example entry, edited</title>");
        }
        return Map.of("feed.rss", text);
    }

    public static Map<String, String> atom() {
        return Map.of("weather.atom", resource("atom/weather.atom"));
    }

    public static Map<String, String> cap() {
        return Map.of("canada.cap", resource("cap/canada.cap"));
    }

    public static Map<String, String> gpx() {
        return Map.of("run.gpx", resource("gpx/run.gpx"));
    }

    public static Map<String, String> kml() {
        return Map.of("addresses.kml", resource("kml/addresses.kml"));
    }

    public static Map<String, String> marc() {
        return Map.of("batch.xml", resource("marc/batch.xml"));
    }

    /** A text cut into a head, records from a start to an end marker with one separator between them, and a tail. */
    record Blocks(String head, List<String> blocks, String separator, String tail) {

        static Blocks of(String text, String start, String end, String separator) {
            List<String> blocks = new ArrayList<>();
            int first = text.indexOf(start);
            int at = first;
            int last = first;
            while (at >= 0) {
                last = text.indexOf(end, at) + end.length();
                blocks.add(text.substring(at, last));
                at = text.indexOf(start, last);
            }
            return new Blocks(text.substring(0, first), blocks, separator, text.substring(last));
        }

        private int find(String marker) {
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.get(i).contains(marker)) {
                    return i;
                }
            }
            throw new IllegalStateException("no record holds " + marker);
        }

        void remove(String marker) {
            blocks.remove(find(marker));
        }

        void edit(String marker, String from, String to) {
            int i = find(marker);
            blocks.set(i, replaceOnce(blocks.get(i), from, to));
        }

        void moveLastTo(int index) {
            blocks.add(index, blocks.removeLast());
        }

        void insert(int index, String block) {
            blocks.add(index, block);
        }

        String join() {
            return head + String.join(separator, blocks) + tail;
        }
    }
}
