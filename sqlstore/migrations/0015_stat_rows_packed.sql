-- Imported statistical datasets on SQLite (bench/README.md, issue 11): a row
-- is stored as one text, its values in the layout's order joined by U+001F
-- (a missing value is empty: an imported value is never empty and never
-- holds a control character), and counted in Go in one pass. Binding 63
-- values a row was most of the time of an import. PostgreSQL keeps the
-- columns c01.. and counts with GROUP BY; packed stays NULL there. The rows
-- already imported on SQLite are packed by a data migration
-- (sqlstore/statistics.go, packStatRows).
ALTER TABLE stat_rows ADD COLUMN packed TEXT;

-- --split is now split by the cross-tabulation itself (SQL on PostgreSQL,
-- Go on SQLite): stat_values is no longer written or read. The table stays
-- for now; its rows go.
DELETE FROM stat_values;
