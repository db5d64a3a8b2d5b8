package io.ret.server.conversion;

import java.io.InputStream;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

import org.codehaus.stax2.XMLInputFactory2;
import org.codehaus.stax2.XMLStreamReader2;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;

/**
 * The one place XML readers are made. DTDs are never loaded and entities never
 * expanded: with DTD support off Woodstox skips the DOCTYPE's internal subset, so no
 * entity is ever declared, and any reference other than the five predefined entities
 * and character references fails the file ("Undeclared general entity").
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

    /** A reader over a stream; the encoding comes from the BOM or the XML declaration (UTF-8 by default). */
    static XMLStreamReader2 open(InputStream xml, String systemId) throws XMLStreamException {
        return (XMLStreamReader2) FACTORY.createXMLStreamReader(systemId, xml);
    }
}
