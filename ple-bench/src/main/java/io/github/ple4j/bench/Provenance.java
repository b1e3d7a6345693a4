package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.Backend;
import io.github.ple4j.model.CpuInfo;
import io.github.ple4j.model.Versions;
import io.github.ple4j.model.config.ConfigJson;

import java.time.Instant;

/** The provenance block every report starts with: command, versions, date, machine and backend. */
final class Provenance {
    private Provenance() {
    }

    /** A new report whose "provenance" object is filled in; the caller adds command-specific fields. */
    static ObjectNode report(String command) {
        ObjectNode report = ConfigJson.mapper().createObjectNode();
        ObjectNode prov = report.putObject("provenance");
        prov.put("command", command);
        prov.put("library", Versions.LIBRARY);
        prov.put("created", Instant.now().toString());
        prov.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        prov.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        prov.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        prov.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        Backend.describe().forEach(prov::put);
        CpuInfo cpu = CpuInfo.current();
        ObjectNode c = prov.putObject("cpu");
        c.put("model", cpu.model());
        cpu.vectorFlags().forEach(c.putArray("flags")::add);
        return report;
    }

    /** The provenance object of a report. */
    static ObjectNode of(ObjectNode report) {
        return (ObjectNode) report.get("provenance");
    }
}
