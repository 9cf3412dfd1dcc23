// Command statsbench measures statistics (issue 11, "Performance") on an
// nrm instance's own database:
//
//   - fill: N rows in the cases projection (stat_cases), generated here
//     and inserted in one transaction, many rows a statement;
//
//   - crosstab: the same run's SELECT count(*) of the table, then a
//     two-column cross-tabulation through service.Statistics (the function
//     nrm stats and the API call), each timed RUNS times;
//
//   - ctdc: writes a CTDC global-layout file of N rows with the codebook's
//     quirks, for nrm stats import to be timed on (see bench/stats.sh);
//
//   - import: times service.ImportStats (what nrm stats import calls) on a file.
//
//     go run ./bench/statsbench -data DIR [-db URL] fill -rows 1000000
//     go run ./bench/statsbench -data DIR [-db URL] crosstab -by sex,age_band -runs 5
//     go run ./bench/statsbench ctdc -rows 100000 -out FILE
//     go run ./bench/statsbench -data DIR [-db URL] import -file FILE
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
)

func main() {
	data := flag.String("data", "./nrm-data", "data directory")
	db := flag.String("db", "", "database URL (empty: SQLite in the data directory)")
	flag.Parse()
	if flag.NArg() == 0 {
		fail(fmt.Errorf("a mode is required: fill, crosstab, ctdc or import"))
	}
	mode, args := flag.Arg(0), flag.Args()[1:]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	rows := fs.Int("rows", 1_000_000, "rows to generate")
	by := fs.String("by", "sex,age_band", "columns of the cross-tabulation")
	dataset := fs.String("dataset", nrm.CasesDataset, "dataset of the cross-tabulation")
	privacy := fs.String("privacy", "none", "privacy of the cross-tabulation")
	runs := fs.Int("runs", 5, "timed runs")
	out := fs.String("out", "", "file to write (ctdc)")
	file := fs.String("file", "", "file to import (import)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the mode to FILE")
	fs.Parse(args)
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		fail(err)
		fail(pprof.StartCPUProfile(pf))
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	var err error
	switch mode {
	case "ctdc":
		err = writeCTDC(*out, *rows)
	case "fill":
		err = fill(ctx, *data, *db, *rows)
	case "crosstab":
		err = crosstab(ctx, *data, *db, *dataset, *by, *privacy, *runs)
	case "import":
		err = importFile(ctx, *data, *db, *file)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	fail(err)
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "statsbench:", err)
		os.Exit(1)
	}
}

// rawDB opens the instance's database directly, for the fixture and for
// the count the cross-tabulation is measured against.
func rawDB(data, db string) (*sql.DB, bool, error) {
	if db != "" {
		d, err := sql.Open("pgx", db)
		return d, true, err
	}
	path := filepath.Join(data, "nrm.db")
	d, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	return d, false, err
}

// fill generates projected rows with a plausible spread: a few common
// profiles and a tail of rare ones, missing values included.
func fill(ctx context.Context, data, db string, n int) error {
	// The schema as nrm makes it.
	store, err := sqlstore.Open(ctx, db, data, sqlstore.Options{})
	if err != nil {
		return err
	}
	store.Close()
	d, pg, err := rawDB(data, db)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cols := append([]string{"id"}, nrm.CaseStatColumns...)
	const per = 1000 // rows a statement: 17,000 parameters (SQLite allows 32,766, PostgreSQL 65,535)
	rng := rand.New(rand.NewPCG(2026, 11))
	stmt := func(rows int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO stat_cases (" + strings.Join(cols, ", ") + ") VALUES ")
		p := 1
		for r := 0; r < rows; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				if pg {
					fmt.Fprintf(&b, "$%d", p)
					p++
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	full := stmt(per)
	args := make([]any, 0, per*len(cols))
	for done := 0; done < n; {
		k := min(per, n-done)
		args = args[:0]
		for i := 0; i < k; i++ {
			args = append(args, fmt.Sprintf("bench%09d", done+i))
			r := genRow(rng)
			for _, c := range nrm.CaseStatColumns {
				if v, ok := r[c]; ok && v != "" {
					args = append(args, v)
				} else {
					args = append(args, nil)
				}
			}
		}
		q := full
		if k < per {
			q = stmt(k)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		done += k
		if done%200_000 == 0 || done == n {
			fmt.Fprintf(os.Stderr, "filled %d/%d rows (%.0f rows/s)\n", done, n, float64(done)/time.Since(start).Seconds())
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if pg {
		_, err = d.ExecContext(ctx, "ANALYZE stat_cases")
	} else {
		_, err = d.ExecContext(ctx, "ANALYZE")
	}
	fmt.Fprintf(os.Stderr, "filled %d rows in %.1fs\n", n, time.Since(start).Seconds())
	return err
}

func pick(rng *rand.Rand, xs ...string) string { return xs[rng.IntN(len(xs))] }

func genRow(rng *rand.Rand) nrm.StatRow {
	band := pick(rng, "18-24", "25-34", "25-34", "35-44", "45-54", "12-17", "0-11", "55+", "unknown")
	maj := "adult"
	switch band {
	case "12-17", "0-11":
		maj = "minor"
	case "unknown":
		maj = "unknown"
	}
	state := nrm.States[rng.IntN(len(nrm.States))]
	r := nrm.StatRow{"record": pick(rng, "case", "case", "case", "case", "notification"),
		"year": pick(rng, "2021", "2022", "2023", "2024", "2025", "2026"), "sex": pick(rng, "female", "female", "male", "other", "unknown"),
		"age_band": band, "majority": maj,
		"citizenship":             pick(rng, "MD", "RO", "UA", "VN", "NG", "AL", "GB", "PL", "ER", "SD", "MD;RO", "BR", "PH", ""),
		"country_of_exploitation": pick(rng, "GB", "GB", "DE", "IT", "FR", "NL", "TR", ""),
		"exploitation_type": pick(rng, "forced-labour", "sexual-exploitation", "forced-criminality", "domestic-servitude",
			"forced-labour;sexual-exploitation", "forced-begging", "unknown"),
		"referring_org_kind": pick(rng, "police", "ngo", "social-services", "border-guard", "labour-inspectorate"),
		"state":              string(state), "identification_outcome": pick(rng, "", "", nrm.OutcomeRGPositive, nrm.OutcomeCGPositive),
		"rg_outcome": pick(rng, "", "positive", "negative"), "cg_outcome": pick(rng, "", "", "positive", "negative"),
		"days_to_rg": pick(rng, append([]string{""}, nrm.DayBands...)...), "days_to_cg": pick(rng, append([]string{""}, nrm.DayBands...)...),
		"closure_reason": pick(rng, "", "", "", "goals-met", "lost-contact", "returned"),
	}
	return r
}

// openService opens the instance the way nrm does.
func openService(ctx context.Context, data, db string) (*service.Service, *sqlstore.Store, error) {
	keys, err := keyring.Open(filepath.Join(data, "keys"), os.Getenv("NRM_MASTER_KEY_FILE"))
	if err != nil {
		return nil, nil, err
	}
	store, err := sqlstore.Open(ctx, db, data, sqlstore.Options{})
	if err != nil {
		return nil, nil, err
	}
	svc, err := wire.Service(store, keys, nil, service.Config{})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return svc, store, nil
}

// crosstab times SELECT count(*) of the projection and the cross-tabulation, alternately.
func crosstab(ctx context.Context, data, db, dataset, by, privacy string, runs int) error {
	svc, store, err := openService(ctx, data, db)
	if err != nil {
		return err
	}
	defer store.Close()
	defer svc.Close()
	d, _, err := rawDB(data, db)
	if err != nil {
		return err
	}
	defer d.Close()
	sys := nrm.WithActor(ctx, nrm.SystemActor)
	var counts, tabs []time.Duration
	var n int64
	var cells int
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		if err := d.QueryRowContext(ctx, "SELECT count(*) FROM stat_cases").Scan(&n); err != nil {
			return err
		}
		counts = append(counts, time.Since(t0))
		t0 = time.Now()
		tab, err := svc.Statistics(sys, nrm.StatQueryInput{Dataset: dataset, By: by, Privacy: privacy})
		if err != nil {
			return err
		}
		tabs = append(tabs, time.Since(t0))
		cells = len(tab.Cells)
	}
	fmt.Printf("rows %d; SELECT count(*): %s; cross-tabulation of %s by %s (%s, %d cells): %s\n",
		n, spread(counts), dataset, by, privacy, cells, spread(tabs))
	return nil
}

// spread prints the median and the range of durations.
func spread(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("median %s (%s to %s, %d runs)", ms(s[len(s)/2]), ms(s[0]), ms(s[len(s)-1]), len(s))
}

func importFile(ctx context.Context, data, db, file string) error {
	svc, store, err := openService(ctx, data, db)
	if err != nil {
		return err
	}
	defer store.Close()
	defer svc.Close()
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	t0 := time.Now()
	n, err := svc.ImportStats(nrm.WithActor(ctx, nrm.SystemActor), nrm.LayoutGlobal.Name, "bench", bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return err
	}
	fmt.Printf("service.ImportStats: %d rows in %.2fs (%.0f rows/s)\n", n, time.Since(t0).Seconds(), float64(n)/time.Since(t0).Seconds())
	return nil
}

// writeCTDC writes a file in CTDC's global layout with the codebook's
// quirks: -99 and empty missing, flags 1 or empty, ";" multi-values,
// double-hyphen age bands, a quoted comma, no newline at the end.
func writeCTDC(path string, n int) error {
	if path == "" {
		return fmt.Errorf("ctdc: -out FILE is required")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(7, 2026))
	cols := nrm.LayoutGlobal.Columns
	w.WriteString(strings.Join(cols, ","))
	fields := make([]string, len(cols))
	for i := 0; i < n; i++ {
		for j, c := range cols {
			switch {
			case c == "yearOfRegistration":
				fields[j] = pick(rng, "2015", "2016", "2017", "2018", "2019", "2020", "-99")
			case c == "Datasource":
				fields[j] = pick(rng, "Case Management", "Hotline")
			case c == "gender":
				fields[j] = pick(rng, "Female", "Female", "Male", "-99", "")
			case c == "ageBroad":
				fields[j] = pick(rng, "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+", "-99")
			case strings.HasPrefix(c, "majority"):
				fields[j] = pick(rng, "Adult", "Minor", "-99")
			case c == "citizenship" || c == "CountryOfExploitation":
				fields[j] = pick(rng, "MD", "UA", "PH", "US", "ID", "KH", "-99", "")
			case c == "RecruiterRelationship":
				fields[j] = pick(rng, "Family/Relative", "Friend;Intimate Partner", `"Other, not family"`, "-99")
			case strings.HasSuffix(c, "Concatenated"):
				fields[j] = pick(rng, "Forced labour", "Sexual exploitation", "Forced labour;Sexual exploitation", "-99")
			default: // a flag
				fields[j] = pick(rng, "1", "", "", "")
			}
		}
		w.WriteString("\n" + strings.Join(fields, ","))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
