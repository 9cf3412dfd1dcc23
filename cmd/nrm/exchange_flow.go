package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/service"
)

// nrm exchange export --referral ID --out FILE: the referral's sealed
// packet, taken out of the outbox, to carry offline.
func cmdExchangeExport(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("exchange export", &c)
	ref := fs.String("referral", "", "the transnational referral's id")
	out := fs.String("out", "", "the file to write the packet to")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "referral", "out"); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		b, err := a.svc.ExportPacket(systemCtx(ctx), *ref)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, b, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the packet (%d bytes, encrypted to the partner) to %s\n", len(b), *out)
		return nil
	})
}

// nrm exchange import FILE: a packet carried offline, through the same
// inbox logic as one delivered over HTTPS (30 days old at most).
func cmdExchangeImport(ctx context.Context, args []string, stdout io.Writer) error {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	var c common
	fs := newFlags("exchange import", &c)
	if err := fs.Parse(args); err != nil {
		return usagef("exchange import: %v", err)
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		return usagef("exchange import: give one FILE")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return usagef("exchange import: %v", err)
	}
	return withApp(ctx, c, func(a *app) error {
		got, err := a.svc.Receive(ctx, b, true)
		var rf *service.RefusedError
		if errors.As(err, &rf) {
			return fmt.Errorf("packet refused (%s): %s", rf.Reason, rf.Message)
		}
		if err != nil {
			return err
		}
		j, _ := json.Marshal(map[string]string{"status": "received", "kind": got.Kind, "content_hash": got.ContentHash})
		fmt.Fprintln(stdout, string(j))
		return nil
	})
}

// deliverOutbox runs the outbox worker of nrm serve: packets are delivered
// to partners, retried with back-off while they are unreachable.
func (a *app) deliverOutbox(ctx context.Context, log *slog.Logger) {
	every := 5 * time.Second
	if d, err := time.ParseDuration(os.Getenv("NRM_OUTBOX_INTERVAL")); err == nil && d > 0 {
		every = d
	}
	log.Info("exchange: outbox worker", "every", every.String(), "format", exchange.Format)
	a.svc.RunOutbox(ctx, every)
}
