// Package wire joins the SQL store to the service, which knows the store
// only by its interface (service.Store). cmd/nrm and the test harness use it.
package wire

import (
	"context"
	"log/slog"

	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
)

// Service builds the service on a store.
func Service(store *sqlstore.Store, keys *keyring.Keyring, log *slog.Logger, cfg service.Config) (*service.Service, error) {
	return service.New(Store(store), keys, log, cfg)
}

// Store adapts a *sqlstore.Store to service.Store.
func Store(s *sqlstore.Store) service.Store { return adapter{s} }

type adapter struct{ *sqlstore.Store }

func (a adapter) Write(ctx context.Context, fn func(service.Tx) error) error {
	return a.Store.Write(ctx, func(tx *sqlstore.Tx) error { return fn(tx) })
}

func (a adapter) Read(ctx context.Context, fn func(service.Tx) error) error {
	return a.Store.Read(ctx, func(tx *sqlstore.Tx) error { return fn(tx) })
}

func (a adapter) ReadOne(ctx context.Context, fn func(service.Tx) error) error {
	return a.Store.ReadOne(ctx, func(tx *sqlstore.Tx) error { return fn(tx) })
}

func (a adapter) OpenAuditSource(ctx context.Context) (service.AuditSource, error) {
	src, err := a.Store.OpenAuditSource(ctx)
	if err != nil {
		return nil, err
	}
	return src, nil
}
