package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// A bundle carries several packets on one file: a JSON array of packets,
// each exactly as it would be posted to the inbox. A file that starts
// with '{' is one packet.

// MaxBundlePackets bounds what one file may carry.
const MaxBundlePackets = 1000

// Bundle joins packets into one file's content.
func Bundle(packets [][]byte) []byte {
	raw := make([]json.RawMessage, len(packets))
	for i, p := range packets {
		raw[i] = p
	}
	b, _ := json.Marshal(raw)
	return b
}

// Unbundle splits a file into its packets: one packet, or a bundle.
func Unbundle(b []byte) ([][]byte, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, errors.New("the file is empty")
	}
	if t[0] != '[' {
		return [][]byte{b}, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(t, &raw); err != nil {
		return nil, fmt.Errorf("the bundle is not a JSON array of packets: %v", err)
	}
	if len(raw) == 0 {
		return nil, errors.New("the bundle holds no packet")
	}
	if len(raw) > MaxBundlePackets {
		return nil, fmt.Errorf("the bundle holds %d packets, more than %d", len(raw), MaxBundlePackets)
	}
	out := make([][]byte, len(raw))
	for i, r := range raw {
		out[i] = r
	}
	return out, nil
}
