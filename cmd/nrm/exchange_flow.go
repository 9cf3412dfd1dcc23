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

// nrm exchange export (--referral ID | --partner ID) --out FILE: sealed
// packets taken out of the outbox to carry offline: one referral's, or
// every packet still queued for a partner as a bundle.
func cmdExchangeExport(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("exchange export", &c)
	ref := fs.String("referral", "", "the transnational referral's id")
	partner := fs.String("partner", "", "the partner's id: every packet queued for it")
	out := fs.String("out", "", "the file to write to")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	if (*ref == "") == (*partner == "") {
		return usagef("exchange export: give --referral or --partner, not both")
	}
	return withApp(ctx, c, func(a *app) error {
		var b []byte
		what := "the packet"
		if *ref != "" {
			var err error
			if b, err = a.svc.ExportPacket(systemCtx(ctx), *ref); err != nil {
				return err
			}
		} else {
			packets, err := a.svc.ExportQueued(systemCtx(ctx), *partner)
			if err != nil {
				return err
			}
			b, what = exchange.Bundle(packets), fmt.Sprintf("%d packets", len(packets))
		}
		if err := os.WriteFile(*out, b, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d bytes, encrypted to the partner) to %s\n", what, len(b), *out)
		return nil
	})
}

// nrm exchange import FILE: packets carried offline (one, or a bundle),
// each through the same inbox logic as one delivered over HTTPS (30 days
// old at most). A refused packet does not stop the others.
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
	packets, err := exchange.Unbundle(b)
	if err != nil {
		return fmt.Errorf("exchange import: %v", err)
	}
	return withApp(ctx, c, func(a *app) error {
		var refusals []string
		for i, p := range packets {
			got, err := a.svc.Receive(ctx, p, true)
			var rf *service.RefusedError
			if errors.As(err, &rf) {
				refusals = append(refusals, fmt.Sprintf("packet %d of %d refused (%s): %s", i+1, len(packets), rf.Reason, rf.Message))
				continue
			}
			if err != nil {
				return err
			}
			j, _ := json.Marshal(map[string]string{"status": "received", "kind": got.Kind, "content_hash": got.ContentHash})
			fmt.Fprintln(stdout, string(j))
		}
		if len(refusals) == 1 && len(packets) == 1 {
			return errors.New(strings.Replace(refusals[0], "packet 1 of 1 refused", "packet refused", 1))
		}
		if len(refusals) > 0 {
			return errors.New(strings.Join(refusals, "\n"))
		}
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
