package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.stream.XMLStreamConstants;

import org.codehaus.stax2.XMLStreamReader2;
import org.junit.jupiter.api.Test;

class XmlInputTest {

    @Test
    void startLineReadsWoodstoxFieldAndAgreesWithTheLocationAtEveryElement() throws Exception {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>\r
                <!DOCTYPE a [ <!ELEMENT a ANY> ]>\r
                <!-- a comment
                     over two lines -->
                <a x="1"
                   y="2"><b>one
                two</b><![CDATA[
                ]]><c
                /><?pi some
                data?><d z="é
                ">ü</d>
                <e/></a>
                """;
        XMLStreamReader2 reader = XmlInput.open(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "t.xml");
        List<Integer> fast = new ArrayList<>();
        List<Integer> located = new ArrayList<>();
        while (reader.hasNext()) {
            if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                fast.add(XmlInput.startLine(reader));
                located.add(reader.getLocation().getLineNumber());
            }
        }
        assertThat(XmlInput.readsLineField()).as("the field of this Woodstox version is found").isTrue();
        assertThat(fast).isEqualTo(located).containsExactly(5, 6, 8, 10, 12);
    }
}
