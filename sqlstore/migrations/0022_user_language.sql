-- The language a user chose for the pages; '' follows the browser.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
