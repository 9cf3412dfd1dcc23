-- Facts about the instance's stored data that the program checks at start,
-- such as the version of the name normalisation its blind indexes were
-- computed with (keyring.NormaliseVersion).
CREATE TABLE instance_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
