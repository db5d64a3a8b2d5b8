package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

import org.codehaus.stax2.XMLInputFactory2;
import org.codehaus.stax2.XMLStreamReader2;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.sr.StreamScanner;
import com.ctc.wstx.stax.WstxInputFactory;

/**
 * The one place XML readers are made. DTDs are never loaded and declared entities never
 * expanded: with DTD support off Woodstox skips the DOCTYPE's internal subset, so no
 * entity is ever declared. Besides the five predefined entities and character references,
 * only HTML's named characters resolve, and only in a document that names an external DTD
 * ({@link HtmlEntities}); any other reference fails the file.
 *
 * <p>Entity replacement is deliberately left on: with it off, Woodstox silently drops
 * an undeclared reference inside an attribute value (the value converts with a piece
 * missing) instead of failing. There is nothing declared it could replace. The scanner
 * also refuses ENTITY_REFERENCE events, should a configuration ever produce one.
 */
final class XmlInput {

    /** Longest attribute value accepted; text has its own per-cell limit in the scanner. */
    static final int MAX_ATTRIBUTE_CHARS = DocumentScanner.MAX_VALUE_CHARS;

    private static final XMLInputFactory2 FACTORY = newFactory();

    /**
     * Woodstox's line of the current token, read from its field: {@code getLocation()} makes
     * a location object per call, and at one call per element that was about a tenth of the
     * scan's CPU (allocation, and the page faults of the young heap it fills). Null when this
     * Woodstox has no such field; then {@link #startLine} asks for the location.
     * XmlInputTest checks that both give the same line at every element.
     */
    private static final VarHandle TOKEN_ROW = tokenRow();

    private XmlInput() {
    }

    private static XMLInputFactory2 newFactory() {
        WstxInputFactory factory = new WstxInputFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setProperty(XMLInputFactory2.P_AUTO_CLOSE_INPUT, false);
        factory.setProperty(XMLInputFactory2.P_REPORT_CDATA, true);
        // every token is read whole in next(), so an error inside a text (an unknown entity after
        // its first letter) arrives as the XMLStreamException that fails the file, not as the
        // unchecked WstxLazyException of getText*(), which ended the whole conversion
        factory.setProperty(XMLInputFactory2.P_LAZY_PARSING, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are never loaded (" + systemId + ")");
        });
        factory.setProperty(WstxInputProperties.P_UNDECLARED_ENTITY_RESOLVER, null);
        factory.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
        factory.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1L);
        factory.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, 1000);
        factory.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 1000);
        factory.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, MAX_ATTRIBUTE_CHARS);
        factory.setProperty(WstxInputProperties.P_INPUT_BUFFER_LENGTH, 16 * 1024); // fewer reads through the counting streams
        return factory;
    }

    private static VarHandle tokenRow() {
        try {
            return MethodHandles.privateLookupIn(StreamScanner.class, MethodHandles.lookup())
                    .findVarHandle(StreamScanner.class, "mTokenInputRow", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@link #startLine} reads Woodstox's field (rather than asking for a location). */
    static boolean readsLineField() {
        return TOKEN_ROW != null;
    }

    /** The 1-based line where the current event (a start tag) of a reader from {@link #open} begins. */
    static int startLine(XMLStreamReader2 reader) {
        if (TOKEN_ROW != null && reader instanceof StreamScanner scanner) {
            return (int) TOKEN_ROW.get(scanner);
        }
        return reader.getLocation().getLineNumber();
    }

    /**
     * A reader over a stream; the encoding comes from the BOM or the XML declaration (UTF-8 by
     * default). A byte-order mark and a declared encoding that disagree (a UTF-8 BOM with
     * {@code encoding="ISO-8859-1"}) fail the file: Woodstox would follow one of them silently
     * and turn "é" into "Ã©".
     */
    static XMLStreamReader2 open(InputStream xml, String systemId) throws XMLStreamException {
        PushbackInputStream in = new PushbackInputStream(xml, HEAD_BYTES);
        try {
            byte[] head = in.readNBytes(HEAD_BYTES);
            in.unread(head);
            checkBomAgainstDeclaration(head);
        } catch (IOException e) {
            throw new XMLStreamException("cannot read the file: " + e.getMessage(), e);
        }
        return HtmlEntities.offerTo((XMLStreamReader2) FACTORY.createXMLStreamReader(systemId, in));
    }

    /** Enough for a BOM and an XML declaration. */
    private static final int HEAD_BYTES = 512;
    private static final Pattern DECLARED = Pattern.compile("^<\\?xml[^>]*?\\sencoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

    static void checkBomAgainstDeclaration(byte[] head) throws XMLStreamException {
        String bom;
        Charset charset;
        int skip;
        if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            bom = "UTF-8";
            charset = StandardCharsets.UTF_8;
            skip = 3;
        } else if (head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
            bom = "UTF-16BE";
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
            bom = "UTF-16LE";
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else {
            return;
        }
        Matcher declared = DECLARED.matcher(new String(head, skip, head.length - skip, charset));
        if (!declared.find()) {
            return;
        }
        String encoding = declared.group(1).toUpperCase(Locale.ROOT);
        boolean agrees = bom.equals("UTF-8") ? encoding.equals("UTF-8") || encoding.equals("UTF8")
                : encoding.equals("UTF-16") || encoding.equals(bom);
        if (!agrees) {
            throw new XMLStreamException("the file starts with a " + bom + " byte-order mark but declares encoding=\""
                    + declared.group(1) + "\"; the two conflict, so its text cannot be decoded reliably (remove the"
                    + " byte-order mark or correct the declaration)");
        }
    }
}
