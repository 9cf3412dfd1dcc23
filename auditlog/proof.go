package auditlog

import (
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	merkleproof "github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// InclusionProof returns the RFC 6962 / RFC 9162 inclusion proof of leaf
// index in the tree of the given size, computed from the leaf hashes
// 0..size-1 (leafHashes may hold more; the rest is ignored). It hashes the
// O(size) leaves each call; callers serving many proofs should cache.
func InclusionProof(leafHashes [][]byte, index, size uint64) ([][]byte, error) {
	if err := checkLeaves(leafHashes, size); err != nil {
		return nil, err
	}
	nodes, err := merkleproof.Inclusion(index, size)
	if err != nil {
		return nil, fmt.Errorf("auditlog: inclusion proof: %w", err)
	}
	return rehash(leafHashes, nodes)
}

// ConsistencyProof returns the RFC 6962 / RFC 9162 consistency proof between
// the trees of sizes size1 <= size2, computed from the leaf hashes
// 0..size2-1.
func ConsistencyProof(leafHashes [][]byte, size1, size2 uint64) ([][]byte, error) {
	if err := checkLeaves(leafHashes, size2); err != nil {
		return nil, err
	}
	nodes, err := merkleproof.Consistency(size1, size2)
	if err != nil {
		return nil, fmt.Errorf("auditlog: consistency proof: %w", err)
	}
	return rehash(leafHashes, nodes)
}

func checkLeaves(leafHashes [][]byte, size uint64) error {
	if uint64(len(leafHashes)) < size {
		return fmt.Errorf("auditlog: proof for tree size %d needs %d leaf hashes, have %d", size, size, len(leafHashes))
	}
	for i, h := range leafHashes[:size] {
		if len(h) != HashSize {
			return fmt.Errorf("auditlog: leaf hash %d is %d bytes, want %d", i, len(h), HashSize)
		}
	}
	return nil
}

// rehash computes the hash of every node of a proof from the leaf hashes it
// covers, and folds the ephemeral node.
func rehash(leafHashes [][]byte, nodes merkleproof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, err := nodeHash(leafHashes, id)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	p, err := nodes.Rehash(hashes, hashChildren)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	return p, nil
}

// nodeHash returns the hash of the perfect subtree id.
func nodeHash(leafHashes [][]byte, id compact.NodeID) ([]byte, error) {
	begin, end := id.Coverage()
	if id.Level == 0 {
		return clone(leafHashes[begin]), nil
	}
	r := rangeFactory.NewEmptyRange(begin)
	for _, h := range leafHashes[begin:end] {
		if err := r.Append(h, nil); err != nil {
			return nil, fmt.Errorf("auditlog: %w", err)
		}
	}
	hs := r.Hashes()
	if len(hs) != 1 {
		return nil, fmt.Errorf("auditlog: node %d/%d is not a perfect subtree", id.Level, id.Index)
	}
	return hs[0], nil
}

// VerifyInclusion checks that leafHash is the leaf at index in the tree of
// the given size and root.
func VerifyInclusion(leafHash []byte, index, size uint64, proof [][]byte, root []byte) error {
	if err := merkleproof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leafHash, proof, root); err != nil {
		return fmt.Errorf("auditlog: inclusion proof of leaf %d in tree of size %d: %w", index, size, err)
	}
	return nil
}

// VerifyConsistency checks that the tree of size1 and root1 is a prefix of the
// tree of size2 and root2.
func VerifyConsistency(size1, size2 uint64, proof [][]byte, root1, root2 []byte) error {
	if err := merkleproof.VerifyConsistency(rfc6962.DefaultHasher, size1, size2, proof, root1, root2); err != nil {
		return fmt.Errorf("auditlog: consistency proof from size %d to %d: %w", size1, size2, err)
	}
	return nil
}
