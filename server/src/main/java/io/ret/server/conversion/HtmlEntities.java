package io.ret.server.conversion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamException;

import org.codehaus.stax2.DTDInfo;
import org.codehaus.stax2.XMLStreamReader2;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.exc.WstxParsingException;

/**
 * HTML's named characters ({@code &eacute; &nbsp; &mdash;}) for a document that names an
 * external DTD, which is never read. XML (section 4.1, "Entity Declared") makes such a
 * reference an error only in a document without an external subset or with
 * {@code standalone="yes"}; DBLP, XHTML, old RSS and JATS documents name a DTD and use these
 * names, and the HTML set is what those DTDs define.
 *
 * <p>One resolver per reader, asked by Woodstox only for a reference that nothing declares.
 * At the first such reference to a table name in a document with an external DTD it hands
 * the whole table to that reader, so every later reference is found directly without a call
 * back; a document without any such reference costs nothing. Every replacement is one
 * character without markup, so nothing expands further: the expansion count limit is lifted
 * for that reader only, the depth limit stays 1, and since DTD support is off no entity of an
 * internal subset is ever declared, so all other references still come here and fail.
 */
final class HtmlEntities implements XMLResolver {

    /** Name to the one character it stands for: all 252, XML's own four ({@code amp lt gt quot}) included. */
    static final Map<String, String> TABLE = load();

    /**
     * What the reader is given: without XML's four, which Woodstox resolves before any custom
     * entity (and a custom "&lt;" would be read as markup).
     */
    private static final Map<String, String> CUSTOM = without(TABLE, Set.of("amp", "lt", "gt", "quot"));

    private final XMLStreamReader2 reader;

    private HtmlEntities(XMLStreamReader2 reader) {
        this.reader = reader;
    }

    /** Makes {@code reader} resolve HTML's named characters if its document names an external DTD. */
    static XMLStreamReader2 offerTo(XMLStreamReader2 reader) {
        reader.setProperty(WstxInputProperties.P_UNDECLARED_ENTITY_RESOLVER, new HtmlEntities(reader));
        return reader;
    }

    @Override
    public Object resolveEntity(String publicId, String systemId, String baseUri, String name)
            throws XMLStreamException {
        String character = CUSTOM.get(name);
        if (character != null && namesExternalDtd()) {
            reader.setProperty(WstxInputProperties.P_CUSTOM_INTERNAL_ENTITIES, CUSTOM);
            reader.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, Long.MAX_VALUE); // one character each
            return character;
        }
        throw new WstxParsingException(unknown(name, character), reader.getLocationInfo().getCurrentLocation());
    }

    /** The reason a file fails on the reference {@code &name;}. */
    static String unknown(String name, String htmlCharacter) {
        if (htmlCharacter == null) {
            return "the entity '&" + name + ";' is not known: DTDs are never read, so only XML's five entities and,"
                    + " in a document that names an external DTD, HTML's named characters are; replace it with the"
                    + " character it stands for or a character reference (&#NNN;)";
        }
        return "the entity '&" + name + ";' is not declared: HTML's named characters are known only in a document"
                + " that names an external DTD (<!DOCTYPE ... SYSTEM \"...\">) and is not standalone=\"yes\";"
                + " write it as &#" + htmlCharacter.codePointAt(0) + "; or as the character itself";
    }

    private boolean namesExternalDtd() {
        // the reader keeps the DOCTYPE's ids after its event (getDTDInfo() answers only during it)
        if (!(reader instanceof DTDInfo dtd) || dtd.getDTDPublicId() == null && dtd.getDTDSystemId() == null) {
            return false;
        }
        return !(reader.standaloneSet() && reader.isStandalone());
    }

    private static Map<String, String> load() {
        Map<String, String> table = new HashMap<>();
        try (InputStream in = HtmlEntities.class.getResourceAsStream("html-entities.txt");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] nameAndCodePoint = line.split(" ");
                    table.put(nameAndCodePoint[0], Character.toString(Integer.parseInt(nameAndCodePoint[1])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(table);
    }

    private static Map<String, String> without(Map<String, String> table, Set<String> names) {
        Map<String, String> rest = new HashMap<>(table);
        rest.keySet().removeAll(names);
        return Map.copyOf(rest);
    }
}
