package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/service"
)

// identityNames is how this instance names itself to partners (CONTRACT.md,
// "Transnational referral"): flags of serve and exchange identity, or the
// environment for every command.
type identityNames struct{ name, country, url string }

func instanceFlags(fs *flag.FlagSet, c *common) {
	fs.StringVar(&c.instance.name, "instance-name", os.Getenv("NRM_INSTANCE_NAME"), "this instance's name for partners")
	fs.StringVar(&c.instance.country, "country", os.Getenv("NRM_COUNTRY"), "this instance's country (ISO 3166-1 alpha-2)")
	fs.StringVar(&c.instance.url, "public-url", os.Getenv("NRM_PUBLIC_URL"), "the URL partners reach this instance at")
}

// exchangeConfig loads (or, at the first start, makes) the instance's
// exchange keys beside the keyring's.
func exchangeConfig(c common) (service.ExchangeConfig, error) {
	keys, err := exchange.LoadOrCreateKeys(filepath.Join(c.data, "keys"))
	if err != nil {
		return service.ExchangeConfig{}, err
	}
	in := c.instance
	if in == (identityNames{}) {
		in = identityNames{os.Getenv("NRM_INSTANCE_NAME"), os.Getenv("NRM_COUNTRY"), os.Getenv("NRM_PUBLIC_URL")}
	}
	return service.ExchangeConfig{Keys: keys, Name: in.name, Country: in.country, URL: in.url}, nil
}

// nrm exchange identity: the instance's identity JSON, for a partner's
// admin to register; what it lacks for that is said on stderr.
func cmdExchangeIdentity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("exchange identity", &c)
	instanceFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		id, err := a.svc.Identity()
		if err != nil {
			return err
		}
		b, _ := json.MarshalIndent(id, "", "  ")
		fmt.Fprintln(stdout, string(b))
		if gaps := a.svc.IdentityGaps(); len(gaps) > 0 {
			fmt.Fprintln(stderr, "nrm: partners cannot register this identity yet: "+strings.Join(gaps, "; ")+
				" (set --instance-name, --country and --public-url, or NRM_INSTANCE_NAME, NRM_COUNTRY and NRM_PUBLIC_URL)")
		}
		fmt.Fprintln(stderr, "fingerprint to compare over the phone: "+exchange.Grouped(id.Fingerprint))
		return nil
	})
}

// nrm partner add --identity FILE: trust another instance.
func cmdPartnerAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("partner add", &c)
	file := fs.String("identity", "", "the partner's identity JSON (from its nrm exchange identity)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "identity"); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return usagef("partner add: --identity: %v", err)
	}
	return withApp(ctx, c, func(a *app) error {
		p, err := a.svc.AddPartner(systemCtx(ctx), raw)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, p.ID)
		fmt.Fprintf(stderr, "trusted %s (%s); fingerprint %s\n", p.Instance, p.Country, exchange.Grouped(p.Fingerprint))
		return nil
	})
}

// nrm partner remove --id ID: stop trusting a partner, both ways.
func cmdPartnerRemove(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("partner remove", &c)
	id := fs.String("id", "", "the partner's id")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "id"); err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		if err := a.svc.RemovePartner(systemCtx(ctx), *id); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "removed")
		return nil
	})
}
