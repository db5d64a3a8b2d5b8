package io.ret.server.conversion;

import java.io.IOException;
import java.util.Arrays;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

import org.codehaus.stax2.XMLStreamReader2;
import org.codehaus.stax2.typed.TypedValueDecoder;

/**
 * First pass over one document: streams its StAX events into a {@link SpillWriter} and
 * learns its {@link Schema} (paths, which repeat, which carry text, column order).
 * Holds one frame per open element and the pending whitespace of the current text run;
 * nothing grows with the document's length.
 *
 * <p>Text rules: an element's own text is its text and CDATA pieces in order (comments
 * and processing instructions are skipped, not separators). By default the whitespace
 * around an element's text is trimmed (as pretty-printing puts it there): leading
 * whitespace before its first content and trailing whitespace after its last, while
 * whitespace inside the text, CDATA and attribute values stay as written. With
 * {@code keepWhitespace}, a run of text between two tags that is only whitespace is
 * dropped when the element has child elements (it is indentation) and kept verbatim
 * when it does not; any other run is kept verbatim.
 *
 * <p>Mixed content: an element path whose instance has own text and a child element is marked
 * {@link PathNode#mixed}; its cell will be its string-value, which the plan and the replay
 * assemble from the text of its whole subtree. So that the string-value keeps the whitespace
 * between its words, whitespace that the rules above leave out of an element's own text is
 * still written to the spill, as {@link SpillWriter#WS} tokens in document order, where it may
 * belong to a string-value: inside an element that has own text (so far) or lies in one, inside
 * a path already seen mixed, and any run without a line break (a space between inline elements;
 * indentation always has one). Data without mixed content thus gets hardly any such token, and
 * the own text of every element that is not mixed stays exactly as before.
 */
final class DocumentScanner {

    /**
     * Prose with markup has words of its own between its inline elements; a record of fields
     * with a stray word between two of them (an OAI-PMH record's "(?s)") is not prose, and
     * folding it into one cell would lose its fields. So an element with own text and child
     * elements is mixed content when its own text is at least a quarter of the text inside
     * its children ({@code See <link>the manual</link>.} is).
     */
    private static final int MIXED_SHARE = 4;

    /** Longest value of one cell, in chars: a bounded structure of the second pass. */
    static final int MAX_VALUE_CHARS = 32 * 1024 * 1024;

    private static final class Frame {
        PathNode node;
        long instance;
        boolean hasChildren;
        boolean hasAttributes;
        boolean hasText;
        long textChars;
        /** Chars of the own text of the elements inside it, so far. */
        long innerChars;
        /** Whitespace left out of the own text is written as {@link SpillWriter#WS} whatever it holds. */
        boolean keepsWhitespace;
    }

    private final boolean namespaceUris;
    private final boolean trim;
    private final Schema schema;
    private Frame[] stack = frames(new Frame[0], 64);
    private int depth;
    private long instances;
    private final StringBuilder pendingWhitespace = new StringBuilder();
    private boolean runHasContent;
    private final RawValue rawValue = new RawValue();

    DocumentScanner(ConversionOptions options) {
        this.namespaceUris = options.qualifyWithNamespaceUri();
        this.trim = !options.keepWhitespace();
        this.schema = new Schema(namespaceUris);
    }

    /** Reads the document to its end. */
    Schema scan(XMLStreamReader2 reader, SpillWriter spill) throws XMLStreamException, IOException, FileConversionException {
        try {
            while (reader.hasNext()) {
                switch (reader.next()) {
                    // the document element apart: the methods run for every other element never see it
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (depth == 0) {
                            startRoot(reader, spill);
                        } else {
                            startElement(reader, spill);
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (depth == 1) {
                            endRoot(spill);
                        } else {
                            endElement(spill);
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> text(reader, spill, false);
                    case XMLStreamConstants.CDATA -> text(reader, spill, true);
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new FileConversionException("the entity '&"
                            + reader.getLocalName() + ";' is not expanded: entities declared in a DTD are never used");
                    default -> {
                        // comments, processing instructions, the DOCTYPE, document start and end: not data
                    }
                }
            }
        } catch (FileConversionException e) {
            if (e.line() != 0) {
                throw e;
            }
            Location at = reader.getLocation();
            throw new FileConversionException(e.getMessage(), at.getLineNumber(), at.getColumnNumber());
        }
        if (schema.nodes().isEmpty()) {
            throw new FileConversionException("the document has no element");
        }
        return schema;
    }

    private void startRoot(XMLStreamReader2 reader, SpillWriter spill)
            throws XMLStreamException, IOException, FileConversionException {
        runHasContent = false;
        opened(schema.root(elementNamespace(reader), reader.getLocalName()), 0, false, reader, spill);
    }

    private void startElement(XMLStreamReader2 reader, SpillWriter spill)
            throws XMLStreamException, IOException, FileConversionException {
        Frame parent = stack[depth - 1];
        parent.hasChildren = true;
        parent.node.hasChildElements = true;
        if (!pendingWhitespace.isEmpty()) {
            // not the parent's own text (trimming: it follows the parent's text, so the parent is mixed;
            // keeping: a whitespace-only run between tags, layout unless it may be inside a string-value)
            if (parent.hasText || parent.keepsWhitespace || !hasLineBreak(pendingWhitespace)) {
                spill.whitespace(pendingWhitespace);
            }
            pendingWhitespace.setLength(0);
        }
        runHasContent = false;
        opened(schema.element(parent.node, elementNamespace(reader), reader.getLocalName()), parent.instance,
                parent.keepsWhitespace || parent.hasText, reader, spill);
    }

    /**
     * An element of {@code node} starts, inside the element instance {@code parentInstance} (0 for none);
     * {@code inText}: the parent keeps its whitespace or has own text, so this element may be inside a string-value.
     */
    private void opened(PathNode node, long parentInstance, boolean inText, XMLStreamReader2 reader, SpillWriter spill)
            throws XMLStreamException, IOException, FileConversionException {
        node.occurrences++;
        if (node.lastParentInstance == parentInstance) {
            if (++node.countInParent == 2) {
                node.repeated = true;
            }
        } else {
            node.lastParentInstance = parentInstance;
            node.countInParent = 1;
        }
        Frame frame = push();
        frame.node = node;
        frame.instance = ++instances;
        frame.keepsWhitespace = inText || node.mixed;
        spill.start(node.id, spill.writesLines() ? XmlInput.startLine(reader) : 0);
        int attributes = reader.getAttributeCount();
        frame.hasAttributes = attributes > 0;
        if (attributes > 0) {
            node.hasAttributes = true;
            for (int i = 0; i < attributes; i++) {
                String namespace = namespaceUris ? reader.getAttributeNamespace(i) : reader.getAttributePrefix(i);
                Schema.Column column = schema.attribute(node, i, namespace == null ? "" : namespace,
                        reader.getAttributeLocalName(i));
                attributeValue(reader, i, column.id(), spill);
            }
        }
    }

    /**
     * Writes attribute {@code index}'s value without making a String of it (Woodstox would
     * make one String of all the element's values and cut one out per attribute: a sixth of
     * the scan's time). Woodstox's typed access hands over the value's chars in the buffer
     * that holds all the element's values, trimmed of chars up to ' '; when nothing next to
     * the trimmed chars is such a char, nothing was trimmed and they are the value exactly.
     * Otherwise (whitespace at either end, an empty value) the String is taken after all.
     */
    private void attributeValue(XMLStreamReader2 reader, int index, int column, SpillWriter spill)
            throws XMLStreamException, IOException {
        RawValue raw = rawValue;
        raw.chars = null;
        reader.getAttributeAs(index, raw);
        char[] chars = raw.chars;
        if (chars != null && (raw.start == 0 || chars[raw.start - 1] > ' ')
                && (raw.end == chars.length || chars[raw.end] > ' ')) {
            spill.attribute(column, chars, raw.start, raw.end - raw.start);
        } else {
            spill.attribute(column, reader.getAttributeValue(index));
        }
    }

    /** Catches the chars Woodstox's typed access hands over; anything else leaves {@link #chars} null. */
    private static final class RawValue extends TypedValueDecoder {
        char[] chars;
        int start;
        int end;

        @Override
        public void decode(char[] buffer, int from, int to) {
            chars = buffer;
            start = from;
            end = to;
        }

        @Override
        public void decode(String input) {
            chars = null;
        }

        @Override
        public void handleEmptyValue() {
            chars = null;
        }
    }

    private String elementNamespace(XMLStreamReader2 reader) {
        String namespace = namespaceUris ? reader.getNamespaceURI() : reader.getPrefix();
        return namespace == null ? "" : namespace;
    }

    private void text(XMLStreamReader2 reader, SpillWriter spill, boolean cdata) throws IOException, FileConversionException {
        Frame frame = stack[depth - 1];
        char[] chars = reader.getTextCharacters();
        int start = reader.getTextStart();
        int length = reader.getTextLength();
        if (trim) {
            trimmedText(frame, chars, start, length, cdata, spill);
            return;
        }
        if (!runHasContent && !cdata && isWhitespace(chars, start, length)) {
            pendingWhitespace.append(chars, start, length);
            return;
        }
        runHasContent = true;
        if (!pendingWhitespace.isEmpty()) {
            emitPending(frame, spill);
        }
        countText(frame, length);
        spill.text(chars, start, length);
    }

    /**
     * Trimming: whitespace before the element's first content is dropped, whitespace after
     * content waits in {@link #pendingWhitespace} and is written only if more content follows.
     */
    private void trimmedText(Frame frame, char[] chars, int start, int length, boolean cdata, SpillWriter spill)
            throws IOException, FileConversionException {
        int end = start + length;
        if (!cdata) {
            int lead = start;
            while (lead < end && isWhitespace(chars[lead])) {
                lead++;
            }
            if (lead == end) {
                if (frame.hasText) {
                    pendingWhitespace.append(chars, start, length);
                } else if (frame.keepsWhitespace || chars[start] != '\n' && !hasLineBreak(chars, start, end)) {
                    // (indentation starts with its line break: tested first, no call on the hot path)
                    spill.whitespace(chars, start, length);
                }
                return;
            }
            if (!frame.hasText) {
                // after a child element this whitespace is inside the (mixed) element's string-value
                if (lead > start && (frame.hasChildren || frame.keepsWhitespace || !hasLineBreak(chars, start, lead))) {
                    spill.whitespace(chars, start, lead - start);
                }
                start = lead;
            }
        }
        int contentEnd = end;
        if (!cdata) {
            while (isWhitespace(chars[contentEnd - 1])) {
                contentEnd--;
            }
        }
        if (!pendingWhitespace.isEmpty()) {
            emitPending(frame, spill);
        }
        countText(frame, contentEnd - start);
        spill.text(chars, start, contentEnd - start);
        pendingWhitespace.append(chars, contentEnd, end - contentEnd);
    }

    private void endElement(SpillWriter spill) throws IOException, FileConversionException {
        closed(spill);
        spill.end();
    }

    private void endRoot(SpillWriter spill) throws IOException, FileConversionException {
        closed(spill);
        spill.end();
    }

    /** Pops the element that ends, writing or leaving out its pending whitespace; notes mixed content. */
    private void closed(SpillWriter spill) throws IOException, FileConversionException {
        Frame frame = stack[--depth];
        if (!pendingWhitespace.isEmpty()) {
            if (!trim && !frame.hasChildren) {
                emitPending(frame, spill);
            } else if (frame.keepsWhitespace || frame.hasText && frame.hasChildren || !hasLineBreak(pendingWhitespace)) {
                spill.whitespace(pendingWhitespace);
            }
            pendingWhitespace.setLength(0);
        }
        runHasContent = false;
        if (depth > 0) {
            stack[depth - 1].innerChars += frame.textChars + frame.innerChars;
        }
        if (frame.hasChildren) {
            if (frame.hasText && MIXED_SHARE * frame.textChars >= frame.innerChars) {
                frame.node.mixed = true;
            }
        } else if (!frame.hasText && !frame.hasAttributes) {
            schema.value(frame.node); // a bare empty element still shows, as an empty cell
        }
    }

    private void emitPending(Frame frame, SpillWriter spill) throws IOException, FileConversionException {
        countText(frame, pendingWhitespace.length());
        spill.text(pendingWhitespace.toString());
        pendingWhitespace.setLength(0);
    }

    private void countText(Frame frame, int length) throws FileConversionException {
        frame.textChars += length;
        if (frame.textChars > MAX_VALUE_CHARS) {
            throw new FileConversionException("the text of element '" + frame.node + "' is longer than "
                    + MAX_VALUE_CHARS + " characters");
        }
        if (!frame.hasText) {
            frame.hasText = true;
            schema.value(frame.node);
        }
    }

    private static boolean isWhitespace(char[] chars, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            if (!isWhitespace(chars[i])) {
                return false;
            }
        }
        return true;
    }

    /** Indentation has a line break; a space between inline elements has none. */
    private static boolean hasLineBreak(char[] chars, int start, int end) {
        for (int i = start; i < end; i++) {
            if (chars[i] == '\n' || chars[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLineBreak(CharSequence chars) {
        for (int i = 0, end = chars.length(); i < end; i++) {
            if (chars.charAt(i) == '\n' || chars.charAt(i) == '\r') {
                return true;
            }
        }
        return false;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }

    /** Frames are made ahead, all of them, so that the next file's first elements take no other path. */
    private static Frame[] frames(Frame[] from, int size) {
        Frame[] frames = Arrays.copyOf(from, size);
        for (int i = from.length; i < size; i++) {
            frames[i] = new Frame();
        }
        return frames;
    }

    private Frame push() {
        if (depth == stack.length) {
            stack = frames(stack, depth * 2);
        }
        Frame frame = stack[depth];
        frame.hasChildren = false;
        frame.hasText = false;
        frame.textChars = 0;
        frame.innerChars = 0;
        depth++;
        return frame;
    }
}
