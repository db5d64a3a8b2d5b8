package io.ret.server.testing;

import static io.ret.server.testing.RealXml.replaceOnce;
import static io.ret.server.testing.RealXml.resource;

import java.util.Map;

import io.ret.server.testing.PublicXml.Blocks;

/**
 * Real public XML of data formats (src/test/resources/real/README.md, "Data formats"): a
 * harvest page, a TV guide, a payment order, a podcast, a property list, a POM, an XBRL
 * filing, SDMX time series and an ONIX book list. Each edited second version holds the edits of a month: one
 * record removed, one added at the top, one value changed and, where the shape allows, a
 * record moved. Entry names end in {@code .xml} where the archive reader would skip the real
 * extension ({@code .plist}).
 */
public final class DataXml {

    private DataXml() {
    }

    /** An OAI-PMH ListRecords page: two Dublin Core records, one deleted, and a resumption token. */
    public static Map<String, String> oaiPmh(boolean edited) {
        String text = resource("oai-pmh/ListRecords.xml");
        if (edited) {
            Blocks records = Blocks.of(text, "<record>", "</record>", "\n        ");
            records.remove("1585310</identifier>");
            records.edit("1585322</identifier>", "<dc:title>Sample Title</dc:title>",
                    "<dc:title>Sample Title, revised</dc:title>");
            records.insert(0, "<record><header><identifier>oai:test.example.com:1585400</identifier>"
                    + "<datestamp>2013-02-26T12:00:00Z</datestamp></header><metadata>"
                    + "<oai_dc:dc xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                    + "xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\"><dc:title>New</dc:title>"
                    + "<dc:creator>Jane Roe</dc:creator><dc:type>text</dc:type></oai_dc:dc></metadata></record>");
            text = records.join();
        }
        return Map.of("ListRecords.xml", text);
    }

    /** An XMLTV guide: five channels and ten programmes, which have no key (a channel and a start time). */
    public static Map<String, String> xmltv(boolean edited) {
        String text = resource("xmltv/uk-data.xml");
        if (edited) {
            text = replaceOnce(text, "<display-name lang=\"en\">BBC2</display-name>",
                    "<display-name lang=\"en\">BBC Two</display-name>");
            Blocks programmes = Blocks.of(text, "<programme ", "</programme>", "\n  ");
            programmes.remove("<title lang=\"en\">Fake Britain</title>");
            programmes.edit("<title lang=\"en\">Bargain Hunt</title>", "<length units=\"minutes\">45</length>",
                    "<length units=\"minutes\">50</length>");
            programmes.moveLastTo(0);
            programmes.insert(3, "<programme start=\"20151126235000 +0000\" stop=\"20151127000000 +0000\" "
                    + "channel=\"UK_RT_105\"><title lang=\"en\">Newsnight</title><credits>"
                    + "<actor>Presenter - Kirsty Wark</actor></credits></programme>");
            text = programmes.join();
        }
        return Map.of("uk-data.xml", text);
    }

    /** An ISO 20022 pain.001 credit transfer initiation: two payment informations of one transaction each. */
    public static Map<String, String> pain001(boolean edited) {
        String text = resource("pain001/pain.001.001.03.xml");
        if (edited) {
            Blocks payments = Blocks.of(text, "<PmtInf>", "</PmtInf>", "\n\t\t");
            payments.remove("<PmtInfId>minimaal gevuld</PmtInfId>");
            payments.edit("<PmtInfId>maximaal gevuld</PmtInfId>", "<ReqdExctnDt>2009-11-01</ReqdExctnDt>",
                    "<ReqdExctnDt>2009-11-02</ReqdExctnDt>");
            payments.insert(0, "<PmtInf><PmtInfId>salaries</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>2</NbOfTxs>"
                    + "<ReqdExctnDt>2009-11-03</ReqdExctnDt><Dbtr><Nm>Naam</Nm></Dbtr>"
                    + transfer("salary-01", "1500.00", "Jan Jansen") + transfer("salary-02", "1700.00", "Piet Pietersen")
                    + "</PmtInf>");
            text = payments.join();
        }
        return Map.of("pain.001.001.03.xml", text);
    }

    private static String transfer(String endToEndId, String amount, String creditor) {
        return "<CdtTrfTxInf><PmtId><EndToEndId>" + endToEndId + "</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"EUR\">"
                + amount + "</InstdAmt></Amt><Cdtr><Nm>" + creditor + "</Nm></Cdtr></CdtTrfTxInf>";
    }

    /** A podcast feed of six episodes, each with its guid, and the channel's iTunes categories. */
    public static Map<String, String> podcast(boolean edited) {
        String text = resource("podcast/giantbomb-podcast.rss");
        if (edited) {
            Blocks items = Blocks.of(text, "<item>", "</item>", "\n          ");
            items.remove("<guid isPermaLink=\"false\">1600-2812</guid>");
            items.edit("<guid isPermaLink=\"false\">1600-2818</guid>", ">5547</itunes:duration>",
                    ">5600</itunes:duration>");
            items.moveLastTo(1);
            items.insert(0, "<item><title>Giant Bombcast 604: New</title><guid isPermaLink=\"false\">1600-2830</guid>"
                    + "<itunes:duration>9000</itunes:duration></item>");
            text = items.join();
        }
        return Map.of("giantbomb-podcast.rss", text);
    }

    /** An Apple property list (an MDM SCEP payload): keys and values are siblings. Edited: one value changed. */
    public static Map<String, String> plist(boolean edited) {
        String text = resource("plist/test-pojo-apple-scep-1.plist");
        if (edited) {
            text = replaceOnce(text, "<integer>10</integer>", "<integer>5</integer>");
        }
        return Map.of("scep.xml", text);
    }

    /** Gson's parent POM. Edited: a dependency's version changed, one added, a plugin removed. */
    public static Map<String, String> maven(boolean edited) {
        String text = resource("maven/gson-pom.xml");
        if (edited) {
            text = replaceOnce(text, "<version>1.4.5</version>", "<version>1.4.6</version>");
            text = replaceOnce(text, "    <dependencies>\n      <dependency>",
                    "    <dependencies>\n      <dependency>\n        <groupId>com.google.truth</groupId>\n"
                            + "        <artifactId>truth-java8-extension</artifactId>\n        <version>1.4.5</version>\n"
                            + "      </dependency>\n      <dependency>");
            int artifact = text.indexOf("<artifactId>maven-artifact-plugin</artifactId>");
            int start = text.lastIndexOf("<plugin>", artifact);
            int end = text.indexOf("</plugin>", artifact) + "</plugin>".length();
            text = text.substring(0, start) + text.substring(end);
        }
        return Map.of("pom.xml", text);
    }

    /** An SEC XBRL 10-Q instance: contexts, units and facts, one table per concept. */
    public static Map<String, String> xbrl(boolean edited) {
        String text = resource("xbrl/aaoi-20140630.xml");
        if (edited) {
            text = replaceOnce(text, ">31200000</us-gaap:InventoryNet>", ">31250000</us-gaap:InventoryNet>");
            text = replaceOnce(text, "    <us-gaap:RestrictedCashAndCashEquivalents contextRef=\"AsOf2013-12-31\" "
                    + "unitRef=\"USD\" decimals=\"-3\">775000</us-gaap:RestrictedCashAndCashEquivalents>\n", "");
            text = replaceOnce(text, "    <us-gaap:AccountsReceivableNetCurrent contextRef=\"AsOf2014-06-30\"",
                    "    <us-gaap:AccountsReceivableNetCurrent contextRef=\"AsOf2013-06-30\" unitRef=\"USD\" "
                            + "decimals=\"-3\">20500000</us-gaap:AccountsReceivableNetCurrent>\n"
                            + "    <us-gaap:AccountsReceivableNetCurrent contextRef=\"AsOf2014-06-30\"");
        }
        return Map.of("aaoi-20140630.xml", text);
    }

    /**
     * An ONIX 2.1 message of six books (CR LF line ends), each with its record reference, typed
     * identifiers and one contributor. Edited: a book removed, one added, a price changed and a
     * second contributor for a book that had one.
     */
    public static Map<String, String> onix(boolean edited) {
        String text = resource("onix/Bookwise_July_2008.xml");
        if (edited) {
            Blocks products = Blocks.of(text, "<Product>", "</Product>", "\r\n");
            products.remove("<RecordReference>9781864702712</RecordReference>");
            products.edit("<RecordReference>9781906245061</RecordReference>", "<PriceAmount>52.95</PriceAmount>",
                    "<PriceAmount>54.95</PriceAmount>");
            products.edit("<RecordReference>9780823016686</RecordReference>", " </Contributor>\r\n",
                    " </Contributor>\r\n <Contributor>\r\n  <SequenceNumber>2</SequenceNumber>\r\n"
                            + "  <ContributorRole>B01</ContributorRole>\r\n  <PersonName>Ada Editor</PersonName>\r\n"
                            + " </Contributor>\r\n");
            products.moveLastTo(0);
            products.insert(1, "<Product>\r\n <RecordReference>9780000000001</RecordReference>\r\n <ProductIdentifier>\r\n"
                    + "  <ProductIDType>15</ProductIDType>\r\n  <IDValue>9780000000001</IDValue>\r\n </ProductIdentifier>\r\n"
                    + " <Title>\r\n  <TitleType>01</TitleType>\r\n  <TitleText>A New Book</TitleText>\r\n </Title>\r\n"
                    + " <Contributor>\r\n  <SequenceNumber>1</SequenceNumber>\r\n  <ContributorRole>A01</ContributorRole>\r\n"
                    + "  <PersonName>Roe</PersonName>\r\n </Contributor>\r\n</Product>");
            text = products.join();
        }
        return Map.of("Bookwise_July_2008.xml", text);
    }

    /** The ECB's exchange rates as SDMX 2.1 generic and structure-specific time series (two files). */
    public static Map<String, String> sdmx(boolean edited) {
        String generic = resource("sdmx/ng-ts.xml");
        String specific = resource("sdmx/ng-ts-ss.xml");
        if (edited) {
            specific = replaceOnce(specific, "OBS_VALUE=\"110.26\"", "OBS_VALUE=\"110.30\"");
            specific = replaceOnce(specific, "\t\t\t<Obs TIME_PERIOD=\"2010-08\" OBS_VALUE=\"0.82363\" OBS_STATUS=\"A\" "
                    + "CONF_STATUS_OBS=\"F\"/>\n", "");
        }
        return Map.of("ng-ts.xml", generic, "ng-ts-ss.xml", specific);
    }
}
