package dev.rehearsal.core.internal.report;

import org.apiguardian.api.API;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.io.IOException;

/**
 * HTML and inline SVG written through the JDK's XML writer, so every name, statement and message is escaped by it
 * rather than by hand. Elements are always written with an end tag ({@code <div></div>}), which both HTML and SVG
 * parsers read right; text inside {@code <style>} and {@code <script>} must hold no {@code <}, {@code >} or
 * {@code &} (the writer would escape them, and HTML does not unescape there).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
final class Markup {

    private final Writer out;
    private final XMLStreamWriter xml;

    Markup(Writer out) {
        this.out = out;
        try {
            this.xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
        } catch (XMLStreamException e) {
            throw new IllegalStateException("The JDK's XML writer is not available", e);
        }
    }

    /** Writes text the writer must not touch: the doctype, before any element. */
    Markup raw(String text) {
        try {
            xml.flush();
            out.write(text);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Opens {@code tag} with attributes given as name, value, name, value...; a null value leaves its attribute out. */
    Markup open(String tag, String... attributes) {
        try {
            xml.writeStartElement(tag);
            for (int i = 0; i + 1 < attributes.length; i += 2) {
                if (attributes[i + 1] != null) {
                    xml.writeAttribute(attributes[i], attributes[i + 1]);
                }
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    Markup text(String text) {
        try {
            xml.writeCharacters(text == null ? "" : text);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    Markup close() {
        try {
            xml.writeCharacters("");
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <tag attributes>text</tag>}. */
    Markup element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close();
    }

    void finish() {
        try {
            xml.flush();
            out.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
