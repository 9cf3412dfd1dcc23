// Package keyring holds nrm's key material and does its encryption of
// personal data.
//
// # Model
//
// Every person has their own random data key (DataKey, AES-256-GCM). Each
// field of their records is sealed under it with associated data naming the
// table, column and record id (AD), so a ciphertext copied to another row or
// column does not open. The data key is stored in the database only wrapped
// (encrypted) under a key-encryption key (KEK) that lives in a file outside
// the database. Deleting a person's wrapped data key, in every copy including
// backups, makes all their ciphertexts unreadable (crypto-shredding).
//
// The KEK has numbered versions. Rotate adds a version and makes it current;
// Rewrap moves a wrapped key to the current version; Retire deletes an old
// version. Every wrapped key and every ciphertext names the version of the key
// it was made under, so a keyring can hold several versions at once.
//
// Searching encrypted names uses blind indexes: BlindIndex gives a keyed HMAC
// of the normalised value (Normalise), stored next to the ciphertext and
// compared for equality. The audit log uses AuditHash to name records and
// people without storing their identifiers. The instance's Ed25519 identity
// key (SigningKey) signs audit checkpoints and, later, transnational packets.
//
// # Typical use
//
//	kr, err := keyring.Open("/var/lib/nrm/keys", "")
//
//	// New person: make a key, store it wrapped and bound to the person row.
//	dk, err := keyring.NewDataKey()
//	wrapped, err := kr.Wrap(dk, keyring.AD("person", "data_key", personID))
//
//	// Write a field.
//	ct := dk.Seal([]byte(name), keyring.AD("person", "family_name", personID))
//	idx := kr.BlindIndex("person.family_name", name)
//
//	// Read: unwrap once per person per request, then open each field.
//	dk, err = kr.Unwrap(wrapped, keyring.AD("person", "data_key", personID))
//	plain, err := dk.Open(ct, keyring.AD("person", "family_name", personID))
//
// # Key files
//
// Open(dir, masterKeyFile) uses these files, creating any that is missing.
// The directory is created with mode 0700; every file is written with mode
// 0600 by writing a temporary file, syncing it, renaming it into place and
// syncing the directory. Open refuses (with an error naming the file) a key
// file with any permission bit for group or others, one that is not a
// regular file, one that is malformed, and a directory writable by group or
// others. It validates every existing file before creating a missing one and
// never overwrites an existing file.
//
//	kek          KEK versions, one line each, ascending, at least one:
//	               "<version> <base64 of 32 random bytes>\n"
//	             version: decimal, 1 to 4294967295, no sign or leading zeros.
//	             If masterKeyFile is not "", that file is used instead
//	             (same format; created with mode 0600 if missing; its
//	             directory must exist) and dir/kek is ignored.
//	index.key    base64 of 32 random bytes, "\n": HMAC key of BlindIndex.
//	audit.key    base64 of 32 random bytes, "\n": HMAC key of AuditHash.
//	signing.key  base64 of the 32-byte Ed25519 seed, "\n".
//	.lock        empty; flock(2)ed while key files are created or rewritten.
//
// Base64 is the standard alphabet with padding (RFC 4648 section 4), in
// canonical form. The final newline may be absent. Nothing else (comments,
// blank lines, spaces, CR) is accepted.
//
// # Field ciphertext (DataKey.Seal), format 1
//
//	offset  size  content
//	0       1     magic 'n' (0x6e)
//	1       1     format 1
//	2       4     data-key version, uint32 big-endian (1 for NewDataKey keys)
//	6       4     key check of the data key
//	10      12    random nonce
//	22      n+16  AES-256-GCM(data key, nonce, plaintext, associated data),
//	              ciphertext followed by the 16-byte tag
//
// The ciphertext is len(plaintext)+Overhead (38) bytes. The GCM associated
// data is exactly the caller's ad, normally AD(table, column, id).
//
// # Wrapped data key (Keyring.Wrap), format 1
//
//	offset  size  content
//	0       1     magic 'k' (0x6b)
//	1       1     format 1
//	2       4     KEK version, uint32 big-endian
//	6       4     key check of that KEK
//	10      12    random nonce
//	22      36+16 AES-256-GCM(KEK, nonce, data key (32) || data-key version
//	              (uint32 big-endian), associated data) and tag
//
// Every wrapped key is WrappedSize (74) bytes. The associated data is the
// caller's ad, normally AD("person", "data_key", personID).
//
// The key check is the first 4 bytes of HMAC-SHA256(key, "nrm key check").
// It lets Open and Unwrap report ErrWrongKey instead of ErrCorrupt when bytes
// were made under another key. The header is not fed to GCM; instead every
// header byte is checked exactly: the magic and format are fixed, and the key
// check and version must be those of the key in use, so no header byte can be
// altered unnoticed.
//
// AD(table, column, id) is 'a', 1, then for each of the three strings its
// length as a uvarint (encoding/binary) followed by its bytes.
//
// BlindIndex(purpose, value) is the lower-case hex of the first 16 bytes of
// HMAC-SHA256(index key, purpose || 0x00 || Normalise(value)); AuditHash(v)
// is the lower-case hex of the first 16 bytes of HMAC-SHA256(audit key, v).
//
// # Errors
//
// Decryption errors match exactly one of ErrWrongKey (made under another
// key: another person's data key, or a KEK replaced by a different one with
// the same version number), ErrUnknownKeyVersion (the wrapped key names a KEK
// version that is not loaded, e.g. retired) and ErrCorrupt (right key, but
// truncated, altered, of unknown format, or bound to other associated data).
// No input bytes make Open, Unwrap, Rewrap, WrappedVersion or
// CiphertextVersion panic.
//
// # Concurrency
//
// A Keyring is safe for concurrent use; Rotate, Retire and Reload swap an
// immutable snapshot of the KEK versions while Wrap and Unwrap proceed. A
// DataKey is immutable and safe for concurrent use. Seal and Open allocate
// only their output.
//
// Across processes: key-file writes take an flock on dir/.lock, and Rotate
// and Retire refuse to run if the KEK file no longer holds what they loaded.
// A process does not see another process's rotation until Reload (or a new
// Open). The lock is per key directory: if several key directories share one
// master key file, rotate and retire from only one of them.
//
// # Rotating the KEK
//
//  1. Rotate (in one process), then Reload or restart every other process
//     using the key files, so that all of them wrap under the new version.
//  2. For every stored wrapped key whose WrappedVersion is not
//     CurrentVersion, Rewrap it and store the result.
//  3. When no stored wrapped key (including in backups you may need to
//     restore) names the old version, Retire it.
//
// # Caveats
//
//   - Crypto-shredding and Retire delete keys from a database row or a file;
//     they are not secure erasure. Backups, database WAL, file-system
//     journals and SSD wear levelling can keep copies. Keep the KEK file out
//     of database backups and back it up separately.
//   - A new index.key invalidates every stored blind index, and a new
//     signing.key gives the instance a new identity. Open creates missing
//     files silently; check Created after Open and alert if it names files
//     next to an existing database.
//   - Blind indexes leak equality: rows with the same normalised value have
//     the same token, so frequencies are visible to whoever sees the table.
//     Use a distinct purpose per column and do not index empty values.
//   - The 4-byte key check is the same in every ciphertext under one data
//     key, so it links ciphertexts of the same person even where the row
//     does not.
//   - Each key (data key or KEK) must not seal more than 2^32 messages
//     (random 96-bit nonces).
//   - Changing Normalise changes blind indexes: only with re-indexing.
package keyring
