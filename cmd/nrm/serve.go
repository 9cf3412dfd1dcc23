package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nrmproject/nrm/server"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("serve", &c)
	addr := fs.String("addr", envOr("NRM_ADDR", "127.0.0.1:8080"), "listen address")
	demo := fs.Bool("demo", false, "add fictitious demo organisations, users and cases")
	cohort := fs.Int("demo-cohort", 0, "with --demo: N more fictitious cases met this year, for the statistics and the yearly report")
	trustProxy := fs.Bool("trust-proxy", os.Getenv("NRM_TRUST_PROXY") == "1", "take client addresses from X-Forwarded-For")
	zone := fs.String("timezone", os.Getenv("NRM_TIMEZONE"), "the time zone pages show times in, an IANA name such as Europe/Chisinau (default UTC)")
	instanceFlags(fs, &c)
	signinFlags(fs, &c)
	helpFlags(fs, &c)
	fs.StringVar(&c.jurisdiction, "jurisdiction", os.Getenv("NRM_JURISDICTION"), "jurisdiction profile: coe-minimum, uk-england-wales, uk-scotland, or one in DATA/profiles")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("serve: --addr: want HOST:PORT, got %q", *addr)
	}
	c.signin.addr = *addr
	if err := checkSigninFlags(c); err != nil {
		return err
	}
	if err := checkHelpFlags(c); err != nil {
		return err
	}
	loc, err := timeZone(*zone)
	if err != nil {
		return err
	}
	if service.BenchBaseline && os.Getenv("NRM_BENCH_BASELINE") != "1" {
		return errors.New("this is a benchmark build without audit and decryption (-tags nrmbaseline): it does not serve")
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer func() { a.close() }() // a may be opened again below
	if *demo {
		if err := seedDemo(ctx, a, *cohort); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		// The demo's help page takes messages into the demo NGO's inbox
		// unless --help-org names another organisation.
		if c.help.org == "" {
			if c.help.org, err = demoHelpOrg(ctx, a); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			a.close()
			if a, err = open(ctx, c, log); err != nil {
				return err
			}
		}
	}
	if err := checkHelpOrg(ctx, a, c); err != nil {
		return err
	}
	ready := func(ctx context.Context) error {
		if err := a.store.Ping(ctx); err != nil {
			return fmt.Errorf("database: %w", err)
		}
		return a.keysUsable()
	}
	if n, err := a.svc.ReindexNames(systemCtx(ctx), func(done int) {
		log.Info("re-indexing names for a newer normalisation", "persons", done)
	}); err != nil {
		return fmt.Errorf("re-indexing names: %w", err)
	} else if n > 0 {
		log.Info("names re-indexed", "persons", n)
	}
	handler := server.New(a.svc, log, ready, web.Options{TrustProxy: *trustProxy, TimeZone: loc})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Catch the signals before saying we serve: a supervisor (or a test)
	// that stops nrm as soon as it reads that line must get a clean stop.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	url := "http://" + ln.Addr().String()
	log.Info("listening", "addr", ln.Addr().String(), "engine", string(a.store.Engine()), "jurisdiction", a.svc.Profile().ID)
	fmt.Fprintf(stdout, "nrm is serving at %s\n", url)
	if *demo {
		fmt.Fprint(stdout, demoHelp(url, c))
	}

	go a.maintain(ctx, log)
	go a.deliverOutbox(ctx, log)
	if c.help.smtp != "" {
		go a.sendMail(ctx, log, smtpServer(c))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// maintain removes expired sessions and tokens now and then.
func (a *app) maintain(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if err := a.svc.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			log.Warn("maintenance", "error", err)
		}
		// Pick up a key rotation made by the command line or another process,
		// so that new data keys are wrapped under the newest version.
		if err := a.svc.ReloadKeys(); err != nil {
			log.Warn("maintenance: reloading keys", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// keysUsable proves the key-encryption key works with a wrap and unwrap.
func (a *app) keysUsable() error {
	return a.svc.CheckKeys()
}
