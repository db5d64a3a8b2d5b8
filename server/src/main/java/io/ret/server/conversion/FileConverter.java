package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;

import org.codehaus.stax2.XMLStreamReader2;

import io.ret.server.conversion.schema.Layout;
import io.ret.server.session.archive.ArchiveRejectedException;

/**
 * Reads one XML document into a spill file and learns its {@link Schema}; the archive's
 * passes then replay the spill (see {@link ArchiveConverter}). A problem of the document itself (not
 * well-formed, bad encoding, an entity, too wide, a corrupt entry) is a
 * {@link FileConversionException}, and nothing of the file is left; a limit of the
 * archive, a cancellation or a failure to write ends the whole conversion instead.
 */
final class FileConverter {

    /** A document read and measured, waiting in its spill file to be written. */
    record Scanned(String sourcePath, Spill spill, Schema schema) {
    }

    private final ConversionOptions options;
    private final ConversionProgress progress;
    private final Path outDir;
    private final Spill.Budget held;

    FileConverter(ConversionOptions options, ConversionProgress progress, Path outDir, Spill.Budget held) {
        this.options = options;
        this.progress = progress;
        this.outDir = outDir;
        this.held = held;
    }

    /** First pass; the spill is the caller's to delete once written, and is gone if this throws. */
    Scanned scan(String sourcePath, InputStream xml) throws IOException, FileConversionException {
        Spill.Output output = new Spill.Output(outDir, held);
        boolean done = false;
        try {
            Schema schema;
            try (SpillWriter spill = new SpillWriter(output, options.layout() == Layout.MERGED)) {
                schema = scan(sourcePath, xml, spill);
            }
            done = true;
            return new Scanned(sourcePath, output.spill(), schema);
        } finally {
            if (!done) {
                output.discard();
            }
        }
    }

    /** IOExceptions out of here are the spill's (output); the input's arrive wrapped in XMLStreamException. */
    private Schema scan(String sourcePath, InputStream xml, SpillWriter spill) throws IOException, FileConversionException {
        ProgressInputStream counted = new ProgressInputStream(xml, progress);
        XMLStreamReader2 reader = null;
        try {
            reader = XmlInput.open(counted, sourcePath);
            Schema schema = new DocumentScanner(options).scan(reader, spill);
            drain(counted);
            return schema;
        } catch (XMLStreamException e) {
            throwIfArchiveLevel(e);
            // no location on a decoding error: Woodstox decodes ahead of the parser, so the reader's
            // position would mislead; its message gives the character offset instead
            Location at = e.getLocation();
            int line = at == null ? 0 : Math.max(0, at.getLineNumber());
            int column = line == 0 ? 0 : Math.max(1, at.getColumnNumber()); // an empty file fails "at 1:0"
            throw new FileConversionException(message(e), line, column);
        } finally {
            if (reader != null) {
                try {
                    reader.close(); // the entry stream stays open: its owner closes it
                } catch (XMLStreamException e) {
                    // nothing is held that closing could fail to release
                }
            }
        }
    }

    /** Reads to the end of the entry, so its size and checksum are verified. */
    private static void drain(ProgressInputStream in) throws IOException, FileConversionException {
        try {
            byte[] rest = new byte[512]; // after the document's end there is a line break, if anything
            while (in.read(rest) >= 0) {
                // read to be counted and verified
            }
        } catch (IOException e) {
            throwIfArchiveLevel(e);
            throw new FileConversionException("cannot read the file: " + message(e));
        }
        in.report();
    }

    /** A cancellation, or an archive limit crossed while reading, ends the whole conversion. */
    private static void throwIfArchiveLevel(Throwable e) throws ArchiveRejectedException {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConversionCancelledException cancelled) {
                throw cancelled;
            }
            if (cause instanceof ArchiveRejectedException rejected
                    && rejected.reason() != ArchiveRejectedException.Reason.CORRUPT_ENTRY) {
                throw rejected;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
    }

    /** The message without the location Woodstox appends (it is reported separately). */
    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int at = message.indexOf("\n at [");
        return (at >= 0 ? message.substring(0, at) : message).strip();
    }
}
