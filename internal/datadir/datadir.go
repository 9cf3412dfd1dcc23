// Package datadir reads the data files an operator drops into the data
// directory (jurisdiction profiles, assessment frameworks).
package datadir

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// File is one file read: its path and content.
type File struct {
	Path string
	Data []byte
}

// JSONFiles reads every *.json file of dir, in name order; a missing dir
// holds none.
func JSONFiles(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".json") {
			continue
		}
		file := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: file, Data: data})
	}
	return out, nil
}
