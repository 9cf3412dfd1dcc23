package auditlog

import (
	"crypto/sha256"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// hashChildren is rfc6962.DefaultHasher.HashChildren without the hasher
// allocation, for the 32-byte hashes this package deals in.
func hashChildren(l, r []byte) []byte {
	if len(l) != HashSize || len(r) != HashSize {
		return rfc6962.DefaultHasher.HashChildren(l, r)
	}
	var b [1 + 2*HashSize]byte
	b[0] = rfc6962.RFC6962NodeHashPrefix
	copy(b[1:], l)
	copy(b[1+HashSize:], r)
	s := sha256.Sum256(b[:])
	return s[:]
}

// rangeFactory builds every compact range of the package, so they can be
// merged with each other.
var rangeFactory = &compact.RangeFactory{Hash: hashChildren}

// emptyRoot is the RFC 6962 root of the empty tree, SHA-256("").
var emptyRoot = func() []byte { s := sha256.Sum256(nil); return s[:] }()

// EmptyRoot returns the root of the empty tree, SHA-256 of the empty string.
func EmptyRoot() []byte { return clone(emptyRoot) }

// Tree is the append-only state of the log: the compact range [0, Size) of
// the Merkle tree, that is the roots of the perfect subtrees that cover the
// leaves, largest first (at most 64 hashes). It is everything needed to append
// and to compute the root, and is persisted with [Tree.State] and
// [TreeFromState] so that several processes can share it through the
// database.
//
// A Tree is not safe for concurrent use; writers must be serialised (for
// example by a row lock on the stored state). The zero Tree is an empty tree.
type Tree struct {
	r *compact.Range
}

// NewTree returns an empty tree.
func NewTree() *Tree {
	return &Tree{r: rangeFactory.NewEmptyRange(0)}
}

func (t *Tree) rng() *compact.Range {
	if t.r == nil {
		t.r = rangeFactory.NewEmptyRange(0)
	}
	return t.r
}

// TreeFromState rebuilds a tree from the values returned by [Tree.State]. It
// fails if the number of hashes does not match size (there is one hash per
// one bit of size) or if a hash is not 32 bytes long. The hashes are copied.
func TreeFromState(size uint64, hashes [][]byte) (*Tree, error) {
	cp := make([][]byte, len(hashes))
	for i, h := range hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("auditlog: tree state hash %d is %d bytes, want %d", i, len(h), HashSize)
		}
		cp[i] = clone(h)
	}
	r, err := rangeFactory.NewRange(0, size, cp)
	if err != nil {
		return nil, fmt.Errorf("auditlog: tree state of size %d: %w", size, err)
	}
	return &Tree{r: r}, nil
}

// State returns the tree size and the compact range hashes (copies), to be
// stored and later passed to [TreeFromState].
func (t *Tree) State() (size uint64, hashes [][]byte) {
	r := t.rng()
	hs := r.Hashes()
	hashes = make([][]byte, len(hs))
	for i, h := range hs {
		hashes[i] = clone(h)
	}
	return r.End(), hashes
}

// Append adds a leaf, given by its leaf hash (see [LeafHash]), at index
// t.Size().
func (t *Tree) Append(leafHash []byte) error {
	if len(leafHash) != HashSize {
		return fmt.Errorf("auditlog: leaf hash is %d bytes, want %d", len(leafHash), HashSize)
	}
	return t.rng().Append(clone(leafHash), nil)
}

// appendOwned appends a hash that the tree may keep.
func (t *Tree) appendOwned(leafHash []byte) error {
	return t.rng().Append(leafHash, nil)
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 { return t.rng().End() }

// Root returns the RFC 6962 root hash of the tree; for the empty tree it is
// SHA-256("").
func (t *Tree) Root() []byte {
	root, err := t.rng().GetRootHash(nil)
	if err != nil {
		// Only possible for a range not starting at 0, which a Tree never is.
		panic("auditlog: " + err.Error())
	}
	if root == nil {
		return EmptyRoot()
	}
	return clone(root)
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
