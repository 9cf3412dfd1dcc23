package service

import (
	"context"
	"strconv"
)

// RecordBackup writes the audit entry of a backup before its snapshot is
// taken, so that every backup holds the record of its own making
// (operator only).
func (s *Service) RecordBackup(ctx context.Context, id, engine string) error {
	if err := system(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		return s.record(ctx, tx, s.entry(ctx, "backup.create", "backup/"+id, outcomeOK, "engine "+engine))
	})
}

// RecordRestore writes the audit entry of a restore into the restored
// instance, once its audit log has verified (operator only).
func (s *Service) RecordRestore(ctx context.Context, id string, verified uint64) error {
	if err := system(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		return s.record(ctx, tx, s.entry(ctx, "backup.restore", "backup/"+id, outcomeOK, "audit entries verified "+strconv.FormatUint(verified, 10)))
	})
}
