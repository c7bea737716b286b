package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.internal.template.Template;
import java.util.List;
import java.util.Map;

/**
 * The Audit Log ({@code audit-log.html}): the newest entries first, times in UTC.
 *
 * @param shown how many entries the page shows at most
 */
record AuditLogPage(int shown, List<AuditEntry> entries) implements Page {

    private static final Template TEMPLATE = Template.load(AuditLogPage.class, "audit-log.html");

    AuditLogPage {
        entries = List.copyOf(entries);
    }

    @Override
    public Content content() {
        return new Content(Text.of("title.auditLog"), TEMPLATE, values());
    }

    private Map<String, Object> values() {
        List<Map<String, Object>> rows = entries.stream().map(entry -> new PageValues()
                .with("time", Format.time(entry.time()))
                .with("action", entry.action())
                .with("subject", Format.visible(entry.subject()))
                .with("actor", Format.visible(entry.actor()))
                .with("address", Format.visible(entry.clientAddress()))
                .with("detail", Format.visible(entry.detail()))
                .map()).toList();
        return new PageValues().with("intro", Text.of("audit.intro", shown)).with("entries", rows).map();
    }
}
