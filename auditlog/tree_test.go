package auditlog

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

func dh(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// vectorLeafHashes are the RFC 6962 leaf hashes of testonly.LeafInputs.
func vectorLeafHashes() [][]byte {
	var hs [][]byte
	for _, in := range testonly.LeafInputs() {
		hs = append(hs, rfc6962.DefaultHasher.HashLeaf(in))
	}
	return hs
}

func TestTreeRFC6962Vectors(t *testing.T) {
	leaves := vectorLeafHashes()
	roots := testonly.RootHashes()
	compacts := testonly.CompactTrees()
	if len(roots) != len(leaves)+1 || len(compacts) != len(leaves)+1 {
		t.Fatalf("unexpected vector counts: %d leaves, %d roots, %d compact trees", len(leaves), len(roots), len(compacts))
	}
	if !bytes.Equal(EmptyRoot(), testonly.EmptyRootHash()) {
		t.Fatalf("EmptyRoot = %x", EmptyRoot())
	}
	tree := NewTree()
	for size := 0; size <= len(leaves); size++ {
		if size > 0 {
			if err := tree.Append(leaves[size-1]); err != nil {
				t.Fatal(err)
			}
		}
		if got := tree.Size(); got != uint64(size) {
			t.Fatalf("Size = %d, want %d", got, size)
		}
		if got := tree.Root(); !bytes.Equal(got, roots[size]) {
			t.Errorf("size %d: Root = %x, want %x", size, got, roots[size])
		}
		n, hashes := tree.State()
		if n != uint64(size) || len(hashes) != len(compacts[size]) {
			t.Fatalf("size %d: State = %d, %d hashes; want %d hashes", size, n, len(hashes), len(compacts[size]))
		}
		for i := range hashes {
			if !bytes.Equal(hashes[i], compacts[size][i]) {
				t.Errorf("size %d: State hash %d = %x, want %x", size, i, hashes[i], compacts[size][i])
			}
		}
		// Restore and continue from the restored state.
		restored, err := TreeFromState(n, hashes)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(restored.Root(), roots[size]) {
			t.Errorf("size %d: restored Root = %x", size, restored.Root())
		}
		for _, l := range leaves[size:] {
			if err := restored.Append(l); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(restored.Root(), roots[len(leaves)]) {
			t.Errorf("restored at %d and completed: Root = %x", size, restored.Root())
		}
	}
	var zero Tree
	if zero.Size() != 0 || !bytes.Equal(zero.Root(), roots[0]) {
		t.Error("zero Tree is not the empty tree")
	}
}

func TestTreeMatchesReference(t *testing.T) {
	ref := testonly.New(rfc6962.DefaultHasher)
	tree := NewTree()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1100; i++ {
		leaf := rfc6962.DefaultHasher.HashLeaf([]byte(fmt.Sprint(i, r.Uint64())))
		ref.Append(leaf)
		// Append must copy: scribble over the caller's buffer afterwards.
		buf := append([]byte(nil), leaf...)
		if err := tree.Append(buf); err != nil {
			t.Fatal(err)
		}
		for j := range buf {
			buf[j] = 0xff
		}
		if !bytes.Equal(tree.Root(), ref.Hash()) {
			t.Fatalf("size %d: Root = %x, reference %x", i+1, tree.Root(), ref.Hash())
		}
		if r.IntN(10) == 0 { // round-trip the state now and then
			n, hs := tree.State()
			if len(hs) > 0 {
				hs[0][0] ^= 0 // State returns copies; mutating them must not matter
			}
			var err error
			if tree, err = TreeFromState(n, hs); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Root returns a copy.
	root := tree.Root()
	root[0] ^= 1
	if bytes.Equal(tree.Root(), root) {
		t.Error("Root aliases the tree state")
	}
}

func TestTreeErrors(t *testing.T) {
	if err := NewTree().Append(make([]byte, 31)); err == nil {
		t.Error("Append accepted a 31-byte hash")
	}
	h := make([]byte, 32)
	if _, err := TreeFromState(3, [][]byte{h}); err == nil {
		t.Error("TreeFromState accepted size 3 with one hash")
	}
	if _, err := TreeFromState(2, [][]byte{h[:5]}); err == nil {
		t.Error("TreeFromState accepted a 5-byte hash")
	}
	if _, err := TreeFromState(0, nil); err != nil {
		t.Errorf("TreeFromState(0, nil): %v", err)
	}
}

// The RFC 6962 proof vectors of github.com/transparency-dev/merkle
// (proof/verify_test.go, which the module does not export), over
// testonly.LeafInputs; leaf numbers are 1-based as there.
var (
	inclusionVectors = []struct {
		leaf, size uint64
		proof      [][]byte
	}{
		{1, 1, nil},
		{1, 8, [][]byte{
			dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
			dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
			dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
		}},
		{6, 8, [][]byte{
			dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
			dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
			dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
		}},
		{3, 3, [][]byte{
			dh("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
		}},
		{2, 5, [][]byte{
			dh("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
			dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
			dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
		}},
	}
	consistencyVectors = []struct {
		size1, size2 uint64
		proof        [][]byte
	}{
		{1, 1, nil},
		{1, 8, [][]byte{
			dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
			dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
			dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
		}},
		{6, 8, [][]byte{
			dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
			dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
			dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
		}},
		{2, 5, [][]byte{
			dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
			dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
		}},
		{6, 7, [][]byte{
			dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
			dh("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
			dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
		}},
	}
)

func equalProofs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestProofRFC6962Vectors(t *testing.T) {
	leaves := vectorLeafHashes()
	roots := testonly.RootHashes()
	for _, v := range inclusionVectors {
		got, err := InclusionProof(leaves, v.leaf-1, v.size)
		if err != nil {
			t.Fatalf("InclusionProof(%d, %d): %v", v.leaf-1, v.size, err)
		}
		if !equalProofs(got, v.proof) {
			t.Errorf("InclusionProof(%d, %d) = %x, want %x", v.leaf-1, v.size, got, v.proof)
		}
		if err := VerifyInclusion(leaves[v.leaf-1], v.leaf-1, v.size, v.proof, roots[v.size]); err != nil {
			t.Errorf("VerifyInclusion(%d, %d): %v", v.leaf-1, v.size, err)
		}
	}
	for _, v := range consistencyVectors {
		got, err := ConsistencyProof(leaves, v.size1, v.size2)
		if err != nil {
			t.Fatalf("ConsistencyProof(%d, %d): %v", v.size1, v.size2, err)
		}
		if !equalProofs(got, v.proof) {
			t.Errorf("ConsistencyProof(%d, %d) = %x, want %x", v.size1, v.size2, got, v.proof)
		}
		if err := VerifyConsistency(v.size1, v.size2, v.proof, roots[v.size1], roots[v.size2]); err != nil {
			t.Errorf("VerifyConsistency(%d, %d): %v", v.size1, v.size2, err)
		}
	}
}

// TestProofsExhaustive compares every proof up to size 40 with the
// library's reference tree, verifies it, and checks that a corrupted proof,
// root or leaf fails.
func TestProofsExhaustive(t *testing.T) {
	const max = 40
	ref := testonly.New(rfc6962.DefaultHasher)
	var leaves [][]byte
	for i := 0; i < max; i++ {
		l := rfc6962.DefaultHasher.HashLeaf([]byte{byte(i), 'x'})
		leaves = append(leaves, l)
		ref.Append(l)
	}
	tree := NewTree()
	roots := [][]byte{tree.Root()}
	for _, l := range leaves {
		_ = tree.Append(l)
		roots = append(roots, tree.Root())
	}
	for size := uint64(1); size <= max; size++ {
		if !bytes.Equal(roots[size], ref.HashAt(size)) {
			t.Fatalf("root %d differs from the reference", size)
		}
		for i := uint64(0); i < size; i++ {
			p, err := InclusionProof(leaves, i, size)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ref.InclusionProof(i, size)
			if !equalProofs(p, want) {
				t.Fatalf("InclusionProof(%d, %d) differs from the reference", i, size)
			}
			if err := VerifyInclusion(leaves[i], i, size, p, roots[size]); err != nil {
				t.Fatalf("VerifyInclusion(%d, %d): %v", i, size, err)
			}
			if err := VerifyInclusion(leaves[(i+1)%max], i, size, p, roots[size]); err == nil && size > 1 {
				t.Fatalf("VerifyInclusion(%d, %d) accepted the wrong leaf", i, size)
			}
			if len(p) > 0 {
				bad := clone(p[0])
				bad[0] ^= 1
				q := append([][]byte{bad}, p[1:]...)
				if err := VerifyInclusion(leaves[i], i, size, q, roots[size]); err == nil {
					t.Fatalf("VerifyInclusion(%d, %d) accepted a corrupted proof", i, size)
				}
			}
		}
		for size1 := uint64(0); size1 <= size; size1++ {
			p, err := ConsistencyProof(leaves, size1, size)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ref.ConsistencyProof(size1, size)
			if !equalProofs(p, want) {
				t.Fatalf("ConsistencyProof(%d, %d) differs from the reference", size1, size)
			}
			if err := VerifyConsistency(size1, size, p, roots[size1], roots[size]); err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", size1, size, err)
			}
			if size1 > 0 && size1 < size {
				if err := VerifyConsistency(size1, size, p, roots[size1-1], roots[size]); err == nil {
					t.Fatalf("VerifyConsistency(%d, %d) accepted the wrong old root", size1, size)
				}
			}
		}
	}
	if _, err := InclusionProof(leaves, 5, 5); err == nil {
		t.Error("InclusionProof accepted index == size")
	}
	if _, err := InclusionProof(leaves[:3], 0, 5); err == nil {
		t.Error("InclusionProof accepted too few leaves")
	}
	if _, err := ConsistencyProof(leaves, 6, 5); err == nil {
		t.Error("ConsistencyProof accepted size1 > size2")
	}
}
