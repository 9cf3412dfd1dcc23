package screening

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed data/*.csv
var embedded embed.FS

// Columns are the columns an indicator CSV must have (in any order; other
// columns are ignored).
var Columns = []string{"id", "population", "exploitation", "dimension", "strength", "indicator"}

// Catalog holds indicator sets by name. The zero Catalog is empty and ready to
// use; it is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	sets    map[string]*Set
	sources map[string]string // set name → source that defined it
	ids     map[string]string // indicator id → source that defined it
}

var embeddedCatalog = sync.OnceValues(func() (*Catalog, error) {
	c := &Catalog{}
	names, err := fs.Glob(embedded, "data/*.csv")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		f, err := embedded.Open(name)
		if err != nil {
			return nil, err
		}
		err = c.Load(f, "screening/"+name)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return c, nil
})

// Default returns a catalog of the embedded sets ("adult-labour",
// "child-labour"). The embedded CSV is parsed once; every call returns a
// separate copy, so loading more sets into it does not affect other callers.
func Default() *Catalog {
	c, err := embeddedCatalog()
	if err != nil {
		panic("screening: embedded indicator data: " + err.Error())
	}
	return c.clone()
}

func (c *Catalog) clone() *Catalog {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := &Catalog{
		sets:    make(map[string]*Set, len(c.sets)),
		sources: make(map[string]string, len(c.sources)),
		ids:     make(map[string]string, len(c.ids)),
	}
	for k, s := range c.sets {
		n.sets[k] = s.clone()
	}
	maps.Copy(n.sources, c.sources)
	maps.Copy(n.ids, c.ids)
	return n
}

// Set returns the set with that name, e.g. "adult-labour".
func (c *Catalog) Set(name string) (*Set, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.sets[name]
	return s, ok
}

// Sets returns every set, sorted by name.
func (c *Catalog) Sets() []*Set {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Set, 0, len(c.sets))
	for _, s := range c.sets {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Set) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LoadDir loads every *.csv file in dir, in name order. A missing directory is
// not an error. The first bad file stops the load; the files before it stay
// loaded.
func (c *Catalog) LoadDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("screening: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".csv") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("screening: %w", err)
		}
		err = c.Load(f, p)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	idRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// Load reads indicator sets from a CSV with a header row naming the Columns,
// and adds them to the catalog. source names the input in errors
// (conventionally the file path). Errors are *LoadError naming source:line and
// the field. Load is all or nothing: on error the catalog is unchanged.
//
// A set may come from only one source, and an indicator id may appear only
// once in the whole catalog.
func (c *Catalog) Load(r io.Reader, source string) error {
	sets, ids, err := parse(r, source)
	if err != nil {
		return err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range sets {
		for _, ind := range s.Indicators {
			if prev, ok := c.ids[ind.ID]; ok {
				return &LoadError{Source: source, Line: ids[ind.ID], Field: "id",
					Problem: fmt.Sprintf("duplicate id %q (already loaded from %s)", ind.ID, prev)}
			}
		}
	}
	for _, s := range sets {
		if prev, ok := c.sources[s.Name]; ok {
			return &LoadError{Source: source, Line: ids[s.Indicators[0].ID], Field: "exploitation",
				Problem: fmt.Sprintf("set %s is already loaded from %s", s.Name, prev)}
		}
	}
	if c.sets == nil {
		c.sets = map[string]*Set{}
		c.sources = map[string]string{}
		c.ids = map[string]string{}
	}
	for _, s := range sets {
		c.sets[s.Name] = s
		c.sources[s.Name] = source
		for _, ind := range s.Indicators {
			c.ids[ind.ID] = source
		}
	}
	return nil
}

// parse reads one CSV into sets, in order of first appearance, and returns the
// line of every id.
func parse(r io.Reader, source string) ([]*Set, map[string]int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, to name the line and field
	fail := func(line int, field, format string, args ...any) error {
		return &LoadError{Source: source, Line: line, Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	readErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fail(pe.Line, "", "%v", pe.Err)
		}
		return fail(0, "", "%v", err)
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fail(0, "", "empty file: a header row (%s) is required", strings.Join(Columns, ","))
	}
	if err != nil {
		return nil, nil, readErr(err)
	}
	headerLine, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; dup && h != "" {
			return nil, nil, fail(headerLine, h, "column appears twice in the header")
		}
		col[h] = i
	}
	for _, name := range Columns {
		if _, ok := col[name]; !ok {
			return nil, nil, fail(headerLine, name, "missing column (the header needs %s)", strings.Join(Columns, ","))
		}
	}

	var sets []*Set
	byName := map[string]*Set{}
	lines := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			// Name the first column the row lacks, or say it has too many.
			if len(rec) < len(header) {
				for _, name := range Columns {
					if col[name] >= len(rec) {
						return nil, nil, fail(line, name, "missing: the row has %d fields, the header %d", len(rec), len(header))
					}
				}
			}
			return nil, nil, fail(line, "", "the row has %d fields, the header %d", len(rec), len(header))
		}
		get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }

		ind := Indicator{
			ID:        get("id"),
			Dimension: get("dimension"),
			Strength:  Strength(get("strength")),
			Text:      get("indicator"),
		}
		pop, expl := get("population"), get("exploitation")
		switch {
		case ind.ID == "":
			return nil, nil, fail(line, "id", "empty")
		case !idRE.MatchString(ind.ID):
			return nil, nil, fail(line, "id", "%q: letters, digits, '.', '_' and '-' only", ind.ID)
		case lines[ind.ID] != 0:
			return nil, nil, fail(line, "id", "duplicate id %q (first on line %d)", ind.ID, lines[ind.ID])
		case pop != Adult && pop != Child:
			return nil, nil, fail(line, "population", "unknown population %q (want adult or child)", pop)
		case !slugRE.MatchString(expl):
			return nil, nil, fail(line, "exploitation", "%q: lower-case words joined by '-' are required", expl)
		case !slugRE.MatchString(ind.Dimension):
			return nil, nil, fail(line, "dimension", "%q: lower-case words joined by '-' are required", ind.Dimension)
		case !ind.Strength.Valid():
			return nil, nil, fail(line, "strength", "unknown strength %q (want strong, medium or weak)", ind.Strength)
		case ind.Text == "":
			return nil, nil, fail(line, "indicator", "empty")
		}
		lines[ind.ID] = line

		name := pop + "-" + expl
		s := byName[name]
		if s == nil {
			s = &Set{Name: name, Population: pop, Exploitation: expl, index: map[string]int{}}
			byName[name] = s
			sets = append(sets, s)
		}
		if !slices.Contains(s.Dimensions, ind.Dimension) {
			s.Dimensions = append(s.Dimensions, ind.Dimension)
		}
		ind.Set = name
		s.index[ind.ID] = len(s.Indicators)
		s.Indicators = append(s.Indicators, ind)
	}
	return sets, lines, nil
}
