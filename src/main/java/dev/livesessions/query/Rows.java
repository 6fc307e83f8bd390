package dev.livesessions.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/** What the read models' rows need to be read and written with plain JDBC. */
final class Rows {

    private Rows() {
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    static void setInstant(PreparedStatement statement, int index, Instant at) throws SQLException {
        if (at == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, at.atOffset(ZoneOffset.UTC));
        }
    }

    static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /**
     * The statement that writes a whole row, new or not: the columns in order, the first one the key. (A batch writes
     * the rows it changed, and knowing which of them are new would save PostgreSQL little.)
     */
    static String upsert(String table, List<String> columns) {
        String key = columns.get(0);
        return "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s".formatted(
                table, String.join(", ", columns), columns.stream().map(column -> "?").collect(Collectors.joining(", ")),
                key, columns.stream().skip(1).map(column -> column + " = excluded." + column)
                            .collect(Collectors.joining(", ")));
    }
}
