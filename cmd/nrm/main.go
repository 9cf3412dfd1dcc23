// Command nrm is the one binary of nrm: it serves the web UI and the API,
// and administers organisations, users, tokens, keys and the audit log.
// See CONTRACT.md for what each subcommand prints and its exit status.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/framework"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/jurisdiction"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
)

// usageError is bad input on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage: nrm <command> [flags]

commands:
  serve [--addr HOST:PORT] [--demo] [--timezone ZONE]
        [--instance-name N --country CC --public-url URL]
                                        serve the web UI and the API; how partners know this instance
        [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret S [--oidc-name NAME]]
                                        single sign-on (env NRM_OIDC_*); passkeys work at --public-url
        [--help-org ORG_ID] [--smtp-url smtp://user:pass@host:587?from=ADDR]
                                        the public help page's inbox (env NRM_HELP_ORG); notification
                                        mails, linking to --public-url (env NRM_SMTP_URL)
  migrate                               create or update the database schema
  org add --name NAME --kind KIND [--country CC]
  user add --email E --name NAME --org ORG_ID --role ROLE [--password-stdin]
  token create --email E [--ttl DURATION]
  audit verify                          recompute the audit log against its latest signed checkpoint
  keys rotate                           new key-encryption key version; re-wrap every data key
  keys retire                           drop old key versions no data key uses any more
  erase --case ID --reason TEXT         crypto-shred the person of a case
  demo-code --email E                   the current sign-in code of a demo user
  exchange identity                     this instance's identity JSON for partners (and its fingerprint)
  exchange export --referral ID --out FILE  a referral's sealed packet, to carry offline
  exchange export --partner ID --out FILE   every packet queued for a partner, as one bundle
  exchange import FILE                  receive a packet carried offline (as the inbox does)
  partner add --identity FILE           trust a partner instance from its identity JSON
  partner remove --id ID                stop trusting a partner instance
  sso map --org ORG_ID --issuer URL --claim groups --value V --role ROLE
                                        route first single sign-ins of that group to ORG's admins
  stats import --layout ctdc-vp|ctdc-global FILE [--dataset NAME]   import a statistical dataset
  backup --out FILE [--keys-out FILE] (--passphrase-stdin | --age-recipient R)
                                        an online backup: the data file, and the key bundle apart
                                        (PostgreSQL: the database itself is pg_dump's, taken beside it)
  restore --from FILE --keys FILE (--passphrase-stdin | --identity FILE) --data NEWDIR [--db URL]
                                        a backup into a new data directory; refused unless its
                                        audit log verifies
  stats --dataset NAME|cases --by COL[,COL...] [--split COL] [--privacy none|suppress|dp] [--k 10]
        [--epsilon E] [--format json|csv|table]   one cross-tabulation, through disclosure control
  report --year YYYY [--format html|pdf] [--k 10] [--out FILE]   the yearly report, every figure suppressed under k
  stats export --layout ctdc-global [--k 10] [--out FILE]
                                        the cases as k-anonymous CTDC microdata, for publication

every command takes --data DIR (env NRM_DATA, default ./nrm-data) and --db URL (env NRM_DB)
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "nrm: "+ue.msg)
		return 2
	}
	var ne *nrm.Error
	if errors.As(err, &ne) && ne.Code == nrm.CodeInvalid {
		msg := ne.Message
		if ne.Field != "" {
			msg = "--" + ne.Field + ": " + msg
		}
		fmt.Fprintln(stderr, "nrm: "+msg)
		return 2
	}
	fmt.Fprintln(stderr, "nrm: "+err.Error())
	return 1
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("a command is required; try 'nrm help'")
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "org" || cmd == "user" || cmd == "token" || cmd == "audit" || cmd == "keys" || cmd == "exchange" || cmd == "partner" || cmd == "sso") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout)
	case "org add":
		return cmdOrgAdd(ctx, rest, stdout)
	case "user add":
		return cmdUserAdd(ctx, rest, stdin, stdout)
	case "token create":
		return cmdTokenCreate(ctx, rest, stdout)
	case "demo-code":
		return cmdDemoCode(ctx, rest, stdout)
	case "audit verify":
		return cmdAuditVerify(ctx, rest, stdout, stderr)
	case "keys rotate":
		return cmdKeysRotate(ctx, rest, stdout, stderr)
	case "keys retire":
		return cmdKeysRetire(ctx, rest, stdout)
	case "erase":
		return cmdErase(ctx, rest, stdout)
	case "exchange identity":
		return cmdExchangeIdentity(ctx, rest, stdout, stderr)
	case "exchange export":
		return cmdExchangeExport(ctx, rest, stdout)
	case "exchange import":
		return cmdExchangeImport(ctx, rest, stdout)
	case "partner add":
		return cmdPartnerAdd(ctx, rest, stdout, stderr)
	case "partner remove":
		return cmdPartnerRemove(ctx, rest, stdout)
	case "stats":
		return cmdStats(ctx, rest, stdout)
	// The yearly report (cmd/nrm/report.go).
	case "report":
		return cmdReport(ctx, rest, stdout)
	// Backup and restore (issue 15).
	case "backup":
		return cmdBackup(ctx, rest, stdin, stdout)
	case "restore":
		return cmdRestore(ctx, rest, stdin, stdout)
	// Single sign-on (cmd/nrm/sso.go).
	case "sso map":
		return cmdSSOMap(ctx, rest, stdout)
	}
	return usagef("unknown command %q; try 'nrm help'", cmd)
}

// common are the flags every command takes.
type common struct {
	data         string
	db           string
	jurisdiction string // serve only; others use the environment's
	instance     identityNames
	// ignoreMasterKeyFile: restore reads the KEK it restored, not NRM_MASTER_KEY_FILE.
	ignoreMasterKeyFile bool
	signin              signinNames // serve only (cmd/nrm/sso.go)
	help                helpNames   // serve only (cmd/nrm/help.go)
}

func newFlags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.data, "data", envOr("NRM_DATA", "./nrm-data"), "data directory")
	fs.StringVar(&c.db, "db", os.Getenv("NRM_DB"), "database URL (empty: SQLite in the data directory)")
	return fs
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parse reads flags; a bad flag is a one-line usage error naming it.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("%s: see 'nrm help'", fs.Name())
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func required(fs *flag.FlagSet, names ...string) error {
	for _, n := range names {
		if strings.TrimSpace(fs.Lookup(n).Value.String()) == "" {
			return usagef("%s: --%s is required", fs.Name(), n)
		}
	}
	return nil
}

// app is everything a command needs, opened the same way by each: the data
// directory, the keys and the schema are created when missing.
type app struct {
	store *sqlstore.Store
	keys  *keyring.Keyring
	svc   *service.Service
	data  string
}

func open(ctx context.Context, c common, log *slog.Logger) (*app, error) {
	// Field data first: a bad choice is a usage error that writes nothing.
	cfg, err := domainConfig(c)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.Chmod(c.data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	masterKeyFile := os.Getenv("NRM_MASTER_KEY_FILE")
	if c.ignoreMasterKeyFile {
		masterKeyFile = ""
	}
	keys, err := keyring.Open(filepath.Join(c.data, "keys"), masterKeyFile)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	store, err := sqlstore.Open(ctx, c.db, c.data, sqlstore.Options{})
	if err != nil {
		return nil, err
	}
	// Under the keyring's lock: processes starting at once on a new data
	// directory must not both make the instance's exchange keys (the second
	// would find half a pair). A read-only key directory cannot be locked,
	// and needs no lock: its keys exist.
	ran := false
	loadExchange := func() error {
		ran = true
		cfg.Exchange, err = exchangeConfig(c)
		return err
	}
	if err = keys.Hold(loadExchange); err != nil && !ran {
		err = loadExchange()
	}
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("exchange keys: %w", err)
	}
	if err := signinConfig(ctx, c, &cfg, log); err != nil {
		store.Close()
		return nil, err
	}
	if err := helpConfig(c, &cfg); err != nil {
		store.Close()
		return nil, err
	}
	svc, err := wire.Service(store, keys, log, cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	return &app{store: store, keys: keys, svc: svc, data: c.data}, nil
}

// domainConfig loads the field data a deployment chooses: its jurisdiction
// profile (--jurisdiction or NRM_JURISDICTION; default coe-minimum), extra
// profiles from DATA/profiles/*.json, extra indicator sets from
// DATA/indicators/*.csv.
//
// A profile file that breaks a rule (a recovery period under 30 days, CETS
// 197 Art. 13, among them) stops every command at start with exit status 2,
// naming the file and the field: nrm does not run on clocks the law forbids,
// not even those of a profile nobody has chosen yet.
func domainConfig(c common) (service.Config, error) {
	var cfg service.Config
	extra, err := jurisdiction.LoadDir(filepath.Join(c.data, "profiles"))
	var ve *jurisdiction.ValidationError
	if errors.As(err, &ve) {
		return cfg, usagef("jurisdiction profile %s", ve)
	}
	if err != nil {
		return cfg, fmt.Errorf("jurisdiction profiles: %w", err)
	}
	cfg.Profiles = extra
	id := c.jurisdiction
	if id == "" {
		id = envOr("NRM_JURISDICTION", jurisdiction.DefaultID)
	}
	found := false
	for _, p := range append(jurisdiction.Builtin(), extra...) {
		if p.ID == id {
			cfg.Profile, found = p, true
		}
	}
	if !found {
		var ids []string
		for _, p := range append(jurisdiction.Builtin(), extra...) {
			ids = append(ids, p.ID)
		}
		return cfg, usagef("--jurisdiction: unknown profile %q; one of: %s", id, strings.Join(ids, ", "))
	}
	cfg.Indicators = screening.Default()
	if err := cfg.Indicators.LoadDir(filepath.Join(c.data, "indicators")); err != nil {
		return cfg, fmt.Errorf("indicator sets: %w", err)
	}
	// Assessment frameworks: the built-in odihr-nrm and DATA/frameworks/*.json.
	// A malformed file stops nrm at start, naming the file and the line.
	frameworks, err := framework.LoadDir(filepath.Join(c.data, "frameworks"))
	var fe *framework.ValidationError
	if errors.As(err, &fe) {
		return cfg, usagef("assessment framework %s", fe)
	}
	if err != nil {
		return cfg, fmt.Errorf("assessment frameworks: %w", err)
	}
	cfg.Frameworks = append(framework.Builtin(), frameworks...)
	return cfg, nil
}

// withApp opens nrm quietly (no logs: the command prints its own result)
// for a command's work, and closes it after.
func withApp(ctx context.Context, c common, fn func(*app) error) error {
	a, err := open(ctx, c, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a)
}

func (a *app) close() {
	a.svc.Close()
	a.store.Close()
}

func systemCtx(ctx context.Context) context.Context {
	return nrm.WithActor(ctx, nrm.SystemActor)
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("migrate", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		n, err := a.svc.ReindexNames(systemCtx(ctx), func(done int) {
			fmt.Fprintf(stdout, "re-indexing names for a newer normalisation: %d people\n", done)
		})
		if err != nil {
			return fmt.Errorf("re-indexing names: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "names of %d people re-indexed\n", n)
		}
		fmt.Fprintln(stdout, "schema up to date")
		return nil
	})
}

func cmdOrgAdd(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("org add", &c)
	name := fs.String("name", "", "organisation name")
	kind := fs.String("kind", "", "organisation kind")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "name", "kind"); err != nil {
		return err
	}
	// Validate before anything is created, so that bad input writes nothing.
	if _, err := (nrm.OrgInput{Name: *name, Kind: *kind, Country: *country}).Validate(); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		o, err := a.svc.CreateOrg(systemCtx(ctx), nrm.OrgInput{Name: *name, Kind: *kind, Country: *country})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, o.ID)
		return nil
	})
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var c common
	fs := newFlags("user add", &c)
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "full name")
	org := fs.String("org", "", "organisation id")
	role := fs.String("role", "", "role")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "email", "name", "org", "role"); err != nil {
		return err
	}
	in := nrm.UserInput{Email: *email, Name: *name, OrgID: *org, Role: *role}
	if _, err := in.Validate(); err != nil {
		return err
	}
	password := ""
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if err := nrm.CheckPassword("password-stdin", password); err != nil {
			return err
		}
	}
	return withApp(ctx, c, func(a *app) error {
		u, generated, err := a.svc.CreateUser(systemCtx(ctx), in, password)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u.ID)
		if !*pwStdin {
			fmt.Fprintln(stdout, generated)
		}
		return nil
	})
}

func cmdTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("token create", &c)
	email := fs.String("email", "", "the user's e-mail address")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token lasts")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "email"); err != nil {
		return err
	}
	if *ttl <= 0 {
		return usagef("token create: --ttl must be positive")
	}
	if _, err := nrm.ParseEmail("email", *email); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		token, err := a.svc.CreateToken(systemCtx(ctx), *email, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	})
}

func cmdDemoCode(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("demo-code", &c)
	email := fs.String("email", "", "a demo user's e-mail address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "email"); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		code, err := a.svc.DemoCode(systemCtx(ctx), *email)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, code)
		return nil
	})
}
