package io.ret.server.session;

import io.ret.api.v1.ArchiveEntry;
import io.ret.api.v1.ArchiveKind;
import io.ret.api.v1.EntryKind;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.session.archive.InventoryEntry;

/** Sessions as ret.v1 messages. */
final class SessionProtos {
    private SessionProtos() {
    }

    static Session session(SessionRecord s, java.util.List<InventoryEntry> entries, int outputCount) {
        Session.Builder out = Session.newBuilder()
                .setId(s.id())
                .setOwnerId(s.ownerId())
                .setFileName(s.fileName())
                .setDescription(s.description())
                .setKind(s.kind() == io.ret.server.session.archive.ArchiveKind.CSV
                        ? ArchiveKind.ARCHIVE_KIND_CSV : ArchiveKind.ARCHIVE_KIND_XML)
                .setState(switch (s.state()) {
                    case UPLOADED -> SessionState.SESSION_STATE_UPLOADED;
                    case CONVERTING -> SessionState.SESSION_STATE_CONVERTING;
                    case CONVERTED -> SessionState.SESSION_STATE_CONVERTED;
                    case FAILED -> SessionState.SESSION_STATE_FAILED;
                    case STALE -> SessionState.SESSION_STATE_STALE;
                })
                .setOutputsJobId(Protos.nullToEmpty(s.outputsJobId()))
                .setArchiveBytes(s.archiveBytes())
                .setUncompressedBytes(s.uncompressedBytes())
                .setOutputCount(outputCount)
                .setConversionJobId(Protos.nullToEmpty(s.conversionJobId()))
                .setCreateTime(Protos.timestamp(s.createdAt()))
                .setUpdateTime(Protos.timestamp(s.updatedAt()));
        for (InventoryEntry e : entries) {
            out.addEntries(ArchiveEntry.newBuilder()
                    .setPath(e.path())
                    .setKind(switch (e.kind()) {
                        case XML -> EntryKind.ENTRY_KIND_XML;
                        case CSV -> EntryKind.ENTRY_KIND_CSV;
                        case SKIPPED -> EntryKind.ENTRY_KIND_SKIPPED;
                    })
                    .setSizeBytes(e.sizeBytes())
                    .setCompressedBytes(e.compressedBytes())
                    .setSkipReason(Protos.nullToEmpty(e.skipReason())));
        }
        return out.build();
    }

    static OutputFile output(OutputRecord o) {
        return OutputFile.newBuilder()
                .setPath(o.path())
                .setSourcePath(o.sourcePath())
                .setTable(o.table())
                .setSizeBytes(o.sizeBytes())
                .setRows(o.rows())
                .addAllColumns(o.columns())
                .build();
    }
}
