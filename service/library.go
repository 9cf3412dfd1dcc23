package service

// The clearinghouse's library of materials: links, or uploaded PDF and
// plain text files whose type is decided by their bytes alone. The text of
// an upload is extracted once, bounded (pdftext), and searched with the
// database's own full-text index (sqlstore/library.go).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/pdftext"
)

// MaxMaterialSize is the largest file the library takes.
const MaxMaterialSize = 20 << 20

// maxSearchText bounds the text of one material that is indexed: within
// PostgreSQL's limit of a tsvector, and enough for a long handbook.
const maxSearchText = 512 << 10

// Upload is a file sent with a material.
type Upload struct {
	Name string // as the sender named it; only used, made safe, for the download
	Data []byte
}

// AddLibraryItem records a material: a link, or an uploaded file (or both).
func (s *Service) AddLibraryItem(ctx context.Context, in nrm.LibraryInput, file *Upload) (nrm.LibraryItem, error) {
	a, err := s.allow(ctx, nrm.ActLibraryWrite)
	if err != nil {
		return nrm.LibraryItem{}, err
	}
	it, err := in.Validate(s.Today())
	if err != nil {
		return it, err
	}
	var body string
	var content []byte
	switch {
	case file != nil:
		if len(file.Data) > MaxMaterialSize {
			return it, nrm.Invalid("file", "larger than %d MiB", MaxMaterialSize>>20)
		}
		typ, err := nrm.SniffMaterial(file.Data)
		if err != nil {
			return it, err
		}
		sum := sha256.Sum256(file.Data)
		it.File = &nrm.LibraryFile{Name: nrm.MaterialFileName(file.Name, typ), Type: typ, Size: int64(len(file.Data)),
			SHA256: hex.EncodeToString(sum[:])}
		content = file.Data
		body = s.materialText(ctx, typ, file.Data)
	case it.URL == "":
		return it, nrm.Invalid("url", "a link or a file is required")
	}
	it.ID, it.OrgID, it.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	err = s.write(ctx, func(tx Tx) error {
		it.CreatedAt = tx.Time()
		if err := tx.InsertLibraryItem(ctx, it, body, content); err != nil {
			return err
		}
		detail := "kind " + it.Kind
		if it.File != nil {
			detail += fmt.Sprintf(" file %d bytes sha256 %s", it.File.Size, it.File.SHA256)
		}
		return s.record(ctx, tx, s.entry(ctx, "library.create", "library/"+it.ID, outcomeOK, detail))
	})
	return it, err
}

// materialText is the searchable text of a file. A PDF the reader cannot
// read is kept, unsearched by its content (its title and summary still
// are), and the log says so without a word of it.
func (s *Service) materialText(ctx context.Context, typ string, data []byte) string {
	text := string(data)
	if typ == nrm.TypePDF {
		var err error
		lim := pdftext.DefaultLimits
		lim.MaxText = maxSearchText
		if text, err = pdftext.Extract(ctx, data, lim); err != nil {
			s.log.InfoContext(ctx, "library: PDF text unreadable", "request_id", nrm.RequestID(ctx), "bytes", len(data))
			return ""
		}
	}
	if len(text) > maxSearchText {
		text = strings.ToValidUTF8(text[:maxSearchText], "")
	}
	return text
}

// ParseLibraryQuery reads the words of a library search.
func ParseLibraryQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if len(q) > 200 {
		return "", nrm.Invalid("q", "at most 200 characters")
	}
	return q, nil
}

// Library searches the materials' titles, summaries and file texts.
func (s *Service) Library(ctx context.Context, q string) ([]nrm.LibraryItem, error) {
	if _, err := s.allow(ctx, nrm.ActLibraryRead); err != nil {
		return nil, err
	}
	var out []nrm.LibraryItem
	if err := s.read(ctx, func(tx Tx) (err error) {
		out, err = tx.LibraryItems(ctx, q)
		return err
	}); err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "library.list", "", outcomeOK, fmt.Sprintf("items %d", len(out))))
}

// LibraryItem reads one material.
func (s *Service) LibraryItem(ctx context.Context, id string) (nrm.LibraryItem, error) {
	if _, err := s.allow(ctx, nrm.ActLibraryRead); err != nil {
		return nrm.LibraryItem{}, err
	}
	if !nrm.ValidID(id) {
		return nrm.LibraryItem{}, nrm.NotFound("library item")
	}
	var it nrm.LibraryItem
	if err := s.read(ctx, func(tx Tx) (err error) {
		it, err = tx.LibraryItem(ctx, id)
		return err
	}); err != nil {
		return it, err
	}
	return it, s.recordRead(ctx, s.entry(ctx, "library.read", "library/"+id, outcomeOK, ""))
}

// LibraryFile reads a material's file, with its description.
func (s *Service) LibraryFile(ctx context.Context, id string) (nrm.LibraryFile, []byte, error) {
	if _, err := s.allow(ctx, nrm.ActLibraryRead); err != nil {
		return nrm.LibraryFile{}, nil, err
	}
	if !nrm.ValidID(id) {
		return nrm.LibraryFile{}, nil, nrm.NotFound("file")
	}
	var it nrm.LibraryItem
	var data []byte
	if err := s.read(ctx, func(tx Tx) (err error) {
		if it, err = tx.LibraryItem(ctx, id); err != nil {
			return err
		}
		if it.File == nil {
			return nrm.NotFound("file")
		}
		data, err = tx.LibraryFile(ctx, id)
		return err
	}); err != nil {
		return nrm.LibraryFile{}, nil, err
	}
	return *it.File, data, s.recordRead(ctx, s.entry(ctx, "library.file", "library/"+id, outcomeOK, ""))
}
