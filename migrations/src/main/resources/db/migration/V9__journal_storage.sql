-- How two journal columns are stored; no data changes, only future rows are affected.

-- A leaf chunk lists up to 256 record ids: 2,072 bytes, just over the 2 kB TOAST threshold, so
-- PostgreSQL ran pglz over every chunk it inserted. On these regular arrays pglz took about 170 µs
-- per row, about 7% of the journal's database CPU under load. A chunk row (about 2.1 kB) fits a
-- page many times over: keep it inline and uncompressed.
ALTER TABLE journal_leaf_chunks ALTER COLUMN seqs SET STORAGE PLAIN;

-- A full tile is 256 SHA-256 hashes (8 kB), which never compress: skip the attempt and store it
-- out of line directly.
ALTER TABLE journal_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;
