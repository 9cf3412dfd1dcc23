//go:build !nrmbaseline

package service

// BenchBaseline is true only in a benchmark build (go build -tags
// nrmbaseline) that skips the audit log and field decryption, to measure
// what they cost. Such a build refuses to serve real data.
const BenchBaseline = false
