//go:build nrmbaseline

package service

// BenchBaseline: this is a benchmark build without audit log and field
// decryption (bench/audit-overhead.sh). Never deploy it.
const BenchBaseline = true
