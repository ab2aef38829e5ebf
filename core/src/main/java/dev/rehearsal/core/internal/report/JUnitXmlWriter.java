package dev.rehearsal.core.internal.report;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import org.apiguardian.api.API;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A round-trip report as JUnit XML, the format CI servers (Jenkins, GitLab, Azure DevOps, GitHub test reporters)
 * read: one test suite per report, one test case per phase, named by its migration (the class name) and phase, with
 * a failure for a failed phase and a skip for a phase that did not run.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class JUnitXmlWriter {

    private JUnitXmlWriter() {
    }

    public static String write(RoundTripReport report) {
        List<PhaseResult> phases = report.steps().stream().flatMap(s -> s.phases().stream()).toList();
        long failures = phases.stream().filter(p -> p.status() == PhaseResult.Status.FAILED).count();
        long skipped = phases.stream().filter(p -> p.status() == PhaseResult.Status.SKIPPED
                || p.status() == PhaseResult.Status.NOT_RUN).count();
        String time = seconds(report.sqlTime().plus(report.checkTime()));
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            counts(xml, "Rehearsal", phases.size(), failures, skipped, time);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            counts(xml, "Rehearsal of " + report.source() + " on " + report.database(), phases.size(), failures, skipped,
                    time);
            for (StepResult step : report.steps()) {
                for (PhaseResult phase : step.phases()) {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("testcase");
                    xml.writeAttribute("classname", step.migration());
                    xml.writeAttribute("name", phase.phase().label());
                    xml.writeAttribute("time", seconds(phase.sqlTime().plus(phase.checkTime())));
                    switch (phase.status()) {
                        case FAILED -> {
                            xml.writeStartElement("failure");
                            xml.writeAttribute("message", RoundTripReport.cause(phase.message()));
                            xml.writeAttribute("type", phase.phase().name().toLowerCase(Locale.ROOT).replace('_', '-')
                                    + "-failed");
                            xml.writeCharacters(phase.message());
                            xml.writeEndElement();
                        }
                        case SKIPPED, NOT_RUN -> {
                            xml.writeEmptyElement("skipped");
                            xml.writeAttribute("message", phase.message().isEmpty()
                                    ? phase.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') : firstLine(phase.message()));
                        }
                        default -> {
                        }
                    }
                    // what passed phases say, and on the up the step's notes (the estimate at production volume)
                    String output = (phase.status() == PhaseResult.Status.PASSED ? phase.message() : "")
                            + (phase.phase() == PhaseResult.Phase.UP && step.note() != null && !step.note().isEmpty()
                            ? (phase.status() == PhaseResult.Status.PASSED && !phase.message().isEmpty() ? "\n" : "")
                            + step.note() : "");
                    // what the application's own statements felt while the phase ran, those that waited or failed
                    for (var q : phase.locks().queries()) {
                        if (q.anyWait() || q.failed() > 0) {
                            output += (output.isEmpty() ? "" : "\n") + "application: " + q;
                        }
                    }
                    if (!output.isEmpty()) {
                        xml.writeStartElement("system-out");
                        xml.writeCharacters(output);
                        xml.writeEndElement();
                    }
                    xml.writeEndElement();
                }
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Could not write the JUnit XML report: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static void counts(XMLStreamWriter xml, String name, long tests, long failures, long skipped, String time)
            throws XMLStreamException {
        xml.writeAttribute("name", name);
        xml.writeAttribute("tests", Long.toString(tests));
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(skipped));
        xml.writeAttribute("time", time);
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse("");
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
