package io.ret.server.session.archive;

import java.util.List;
import java.util.Locale;

/** Entry-name checks (zip-slip and friends) and what each name is taken for. */
public final class EntryNames {

    private EntryNames() {
    }

    /**
     * The name normalised ('.' and empty segments dropped, no trailing '/'), or an
     * {@link ArchiveRejectedException.Reason#UNSAFE_PATH} rejection. Names are refused
     * rather than repaired: an archive that carries them was not made by an honest tool.
     */
    static String normalise(String name) throws ArchiveRejectedException {
        String problem = problem(name);
        if (problem != null) {
            throw unsafe(name, problem);
        }
        StringBuilder normal = new StringBuilder(name.length());
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (!normal.isEmpty()) {
                normal.append('/');
            }
            normal.append(segment);
        }
        if (normal.isEmpty()) {
            throw unsafe(name, "no name left after normalisation");
        }
        return normal.toString();
    }

    private static ArchiveRejectedException unsafe(String name, String problem) {
        return new ArchiveRejectedException(ArchiveRejectedException.Reason.UNSAFE_PATH, printable(name),
                "entry '" + printable(name) + "' has an unsafe path: " + problem);
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            return "drive letter";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "NUL character";
            }
            if (c == '\\') {
                return "backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "control character";
            }
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                return "'..' segment";
            }
        }
        return null;
    }

    /** Why a file is not read, judged by its name, or null when it is data (.xml or .csv, any case). */
    static String junkReason(String normalised) {
        String fileName = normalised.substring(normalised.lastIndexOf('/') + 1);
        if (normalised.startsWith("__MACOSX/") || normalised.contains("/__MACOSX/")) {
            return "macOS metadata (__MACOSX)";
        }
        if (fileName.equals(".DS_Store")) {
            return "macOS metadata (.DS_Store)";
        }
        if (fileName.startsWith("._")) {
            return "macOS metadata (AppleDouble '._' file)";
        }
        if (kindOf(normalised) == null) {
            return "not an XML or CSV file";
        }
        return null;
    }

    /**
     * Extensions of XML formats people export under their own names (OpenStreetMap, GPS tracks,
     * Google Earth, XBRL filings, news feeds, translation files, emergency alerts, training
     * logs, GML, .NET resources) besides {@code .xml}: the same parser reads them all.
     */
    public static final List<String> XML_EXTENSIONS = List.of(".xml", ".osm", ".gpx", ".kml", ".xbrl", ".rss", ".atom",
            ".rdf", ".xlf", ".xliff", ".cap", ".tcx", ".gml", ".resx");

    /** XML or CSV by extension, ignoring case; null for anything else. */
    static EntryKind kindOf(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (xmlExtension(lower) != null) {
            return EntryKind.XML;
        }
        if (lower.endsWith(".csv")) {
            return EntryKind.CSV;
        }
        return null;
    }

    /** The XML extension the name ends with (any case), or null. */
    public static String xmlExtension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String extension : XML_EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return extension;
            }
        }
        return null;
    }

    /** The name with control characters shown as '?', safe to put in a message. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return out.toString();
    }
}
