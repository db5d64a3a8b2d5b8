package io.ret.server.rag.store;

import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

import io.ret.server.rag.Terms;

/**
 * Lucene analysis by {@link Terms}: identifiers like {@code SKU-12345} are one token
 * (plus their parts at the same position), where the standard tokenizer would split
 * them into {@code sku} and {@code 12345} and lose the exact match.
 */
public final class IdentifierAnalyzer extends Analyzer {

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(new TermsTokenizer());
    }

    /** Reads the whole field value (chunks and questions are small) and emits {@link Terms#scan}. */
    static final class TermsTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
        private final StringBuilder text = new StringBuilder();
        private Iterator<Terms.Term> terms;
        private int end;

        @Override
        public boolean incrementToken() throws IOException {
            if (terms == null) {
                text.setLength(0);
                char[] buf = new char[1024];
                Reader in = input;
                for (int n; (n = in.read(buf)) > 0; ) {
                    text.append(buf, 0, n);
                }
                end = text.length();
                terms = Terms.scan(text).iterator();
            }
            if (!terms.hasNext()) {
                return false;
            }
            clearAttributes();
            Terms.Term t = terms.next();
            term.setEmpty().append(t.text());
            offset.setOffset(correctOffset(t.start()), correctOffset(t.end()));
            position.setPositionIncrement(t.part() ? 0 : 1);
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            offset.setOffset(correctOffset(end), correctOffset(end));
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            terms = null;
        }
    }
}
