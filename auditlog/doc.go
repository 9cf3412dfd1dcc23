// Package auditlog is nrm's tamper-evident audit log.
//
// Every access to a person's file appends an [Entry]. The entries form the
// leaves of an RFC 6962 Merkle tree (the same tree Certificate Transparency,
// Go's checksum database and Sigstore use), and the instance signs a
// checkpoint (a C2SP tlog-checkpoint: origin, size, root hash) with its
// Ed25519 key after appending. Anyone holding the instance's verifier key can
// then check that the stored log is exactly the signed one: an administrator
// who edits, deletes, reorders, truncates or inserts rows, even one who also
// rewrites the stored leaf hashes, is caught by [Verify], which names the
// first affected entry.
//
// The package is pure: it keeps no storage. The integrator stores each entry
// (with its leaf hash), the [Tree] state and the signed checkpoints in SQL,
// and feeds them back through a [Source].
//
// # Writing
//
// Inside one database transaction that serialises writers (for example
// SELECT ... FOR UPDATE on the row that holds the tree state):
//
//	tree, _ := auditlog.TreeFromState(size, hashes) // as stored
//	e.Seq = tree.Size()
//	e = e.Normalize()                              // UTC, microseconds
//	h := auditlog.LeafHash(e)
//	_ = tree.Append(h)
//	signed, _ := signer.Sign(auditlog.Checkpoint{Origin: origin, Size: tree.Size(), Root: tree.Root()})
//	// INSERT the entry and h (seq as primary key), UPDATE the tree state to
//	// tree.State(), INSERT (tree.Size(), signed) into the checkpoints
//	// table; COMMIT.
//
// Every committed entry must be covered by a committed checkpoint: Verify
// reports entries past the latest signed checkpoint as not covered. A
// checkpoint per write costs one Ed25519 signature (about 30µs); Verify
// checks only the latest one's signature unless it has to localise a
// failure.
//
// # Verifying
//
// [Verify] streams the entries from a [Source] (both of its reads from one
// consistent snapshot, such as a REPEATABLE READ transaction) and returns a
// [Failure] naming the first tampered entry, found with errors.As. Deleting
// the newest entries together with their checkpoints cannot be seen from the
// database alone: publish checkpoints (to partners, a witness, a monitor)
// and pass the ones kept outside to [VerifyTrusted].
//
// # Proofs
//
// [InclusionProof] and [ConsistencyProof] compute RFC 6962 proofs from the
// leaf hashes, for a checkpoint size the client already has; clients check
// them with [VerifyInclusion] and [VerifyConsistency] (or any RFC 6962 / RFC
// 9162 implementation).
//
// # Canonical encoding (version 1)
//
// The leaf input of an entry, [Entry.Canonical], is:
//
//	0x01                               version byte
//	Seq                                8 bytes, unsigned big-endian
//	Time                               8 bytes, signed big-endian: microseconds since
//	                                   1970-01-01T00:00:00Z (Time.UnixMicro)
//	RequestID, Actor, ActorOrg,        each: length as an unsigned LEB128 varint
//	ActorRole, Action, Object,         (encoding/binary.AppendUvarint), then the bytes
//	Outcome, Detail
//
// The leaf hash is SHA-256(0x00 || canonical) as RFC 6962 specifies; interior
// nodes are SHA-256(0x01 || left || right).
package auditlog
