package service

import (
	"context"

	"github.com/nrmproject/nrm"
)

// HelpLines are the public directory entries the help page shows to anyone,
// signed in or not, in the country of the deployment (every country when
// empty): only the entries marked public, and only the fields of a help
// line. No actor is needed and nothing is audited: an organisation's
// published line is no one's personal data.
func (s *Service) HelpLines(ctx context.Context, country string) ([]nrm.HelpLine, error) {
	c, err := nrm.ParseCountry("country", country, true)
	if err != nil {
		return nil, err
	}
	var entries []nrm.DirectoryEntry
	err = s.store.Read(ctx, func(tx Tx) (err error) {
		entries, err = s.directory(ctx, tx, nrm.DirectoryFilter{Country: c, PublicOnly: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]nrm.HelpLine, 0, len(entries))
	for _, e := range entries {
		if e.Public {
			out = append(out, e.HelpLine())
		}
	}
	return out, nil
}
