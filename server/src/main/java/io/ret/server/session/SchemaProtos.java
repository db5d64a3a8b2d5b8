package io.ret.server.session;

import io.ret.api.v1.ColumnRole;
import io.ret.api.v1.ColumnType;
import io.ret.api.v1.KeySource;
import io.ret.api.v1.TableLayout;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

/** The conversion schema (datapackage.json) as ret.v1 messages. */
final class SchemaProtos {
    private SchemaProtos() {
    }

    static TableLayout layout(Layout layout) {
        return switch (layout) {
            case MERGED -> TableLayout.TABLE_LAYOUT_MERGED;
            case PER_FILE -> TableLayout.TABLE_LAYOUT_PER_FILE;
        };
    }

    static io.ret.api.v1.TableSchema table(TableSchema t) {
        io.ret.api.v1.TableSchema.Builder out = io.ret.api.v1.TableSchema.newBuilder()
                .setName(t.name())
                .setPath(t.path())
                .setSourceFile(t.sourceFile())
                .setRecordPath(t.recordPath())
                .setParent(t.parent())
                .addAllPrimaryKey(t.primaryKey())
                .addAllParentKey(t.parentKey())
                .setKeySource(switch (t.keySource()) {
                    case GIVEN -> KeySource.KEY_SOURCE_GIVEN;
                    case DETECTED -> KeySource.KEY_SOURCE_DETECTED;
                    case POSITION -> KeySource.KEY_SOURCE_POSITION;
                    case NONE -> KeySource.KEY_SOURCE_NONE;
                })
                .setRows(t.rows());
        for (ColumnSchema c : t.columns()) {
            out.addColumns(io.ret.api.v1.ColumnSchema.newBuilder()
                    .setName(c.name())
                    .setType(switch (c.type()) {
                        case INTEGER -> ColumnType.COLUMN_TYPE_INTEGER;
                        case DECIMAL -> ColumnType.COLUMN_TYPE_DECIMAL;
                        case BOOLEAN -> ColumnType.COLUMN_TYPE_BOOLEAN;
                        case DATE -> ColumnType.COLUMN_TYPE_DATE;
                        case TIMESTAMP -> ColumnType.COLUMN_TYPE_TIMESTAMP;
                        case STRING -> ColumnType.COLUMN_TYPE_STRING;
                    })
                    .setRole(switch (c.role()) {
                        case DATA -> ColumnRole.COLUMN_ROLE_DATA;
                        case SURROGATE -> ColumnRole.COLUMN_ROLE_SURROGATE;
                        case PROVENANCE -> ColumnRole.COLUMN_ROLE_PROVENANCE;
                        case POSITION -> ColumnRole.COLUMN_ROLE_POSITION;
                    })
                    .setNulls(c.nulls())
                    .setSource(c.source()));
        }
        return out.build();
    }
}
