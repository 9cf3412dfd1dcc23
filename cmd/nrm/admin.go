package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nrmproject/nrm/auditlog"
)

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("audit verify", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		start, last := time.Now(), time.Now()
		res, err := a.svc.VerifyAudit(systemCtx(ctx), func(done uint64) {
			if time.Since(last) >= time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "verified %d entries (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			var f auditlog.Failure
			if errors.As(err, &f) {
				return fmt.Errorf("audit log verification FAILED: %w", err)
			}
			return fmt.Errorf("audit log verification failed: %w", err)
		}
		elapsed := time.Since(start)
		fmt.Fprintf(stderr, "verified %d entries in %.2fs (%.0f entries/s)\n", res.Size, elapsed.Seconds(), float64(res.Size)/elapsed.Seconds())
		fmt.Fprintf(stdout, "ok %d entries root %s\n", res.Size, hex.EncodeToString(res.Root))
		return nil
	})
}

func cmdKeysRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("keys rotate", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		res, err := a.svc.RotateKeys(systemCtx(ctx), func(done int) {
			fmt.Fprintf(stderr, "re-wrapped %d data keys\n", done)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "key-encryption key version %d; %d data keys re-wrapped\n", res.Version, res.Rewrapped)
		if len(res.Old) > 0 {
			fmt.Fprintf(stdout, "old versions %v can now be retired: nrm keys retire (after every nrm process has picked up the new version, within a minute)\n", res.Old)
		}
		return nil
	})
}

func cmdKeysRetire(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("keys retire", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		retired, err := a.svc.RetireKeys(systemCtx(ctx))
		if err != nil {
			return err
		}
		if len(retired) == 0 {
			fmt.Fprintln(stdout, "no old key versions to retire")
			return nil
		}
		fmt.Fprintf(stdout, "retired key versions %v\n", retired)
		return nil
	})
}

func cmdErase(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("erase", &c)
	caseID := fs.String("case", "", "the case whose person to erase")
	reason := fs.String("reason", "", "why (recorded)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "case", "reason"); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		if err := a.svc.Erase(systemCtx(ctx), *caseID, *reason); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "erased the person of case %s\n", *caseID)
		return nil
	})
}
