package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// RotationResult reports a key rotation.
type RotationResult struct {
	Version   uint32 // the new key-encryption key version
	Rewrapped int    // data keys now wrapped under it
	Old       []uint32
}

// RotateKeys makes a new key-encryption key version and re-wraps every data
// key under it, in batches, without touching any personal data (operator
// only). progress, if set, is told how many keys are done.
func (s *Service) RotateKeys(ctx context.Context, progress func(done int)) (RotationResult, error) {
	if err := system(ctx); err != nil {
		return RotationResult{}, err
	}
	version, err := s.keys.Rotate()
	if err != nil {
		return RotationResult{}, fmt.Errorf("rotate: %w", err)
	}
	res := RotationResult{Version: version}
	for {
		var batch []nrm.DataKeyRecord
		if err := s.read(ctx, func(tx Tx) error {
			batch, err = tx.DataKeysNotUnder(ctx, version, 500)
			return err
		}); err != nil {
			return res, err
		}
		if len(batch) == 0 {
			break
		}
		err := s.write(ctx, func(tx Tx) error {
			for _, k := range batch {
				wrapped, err := s.keys.Rewrap(k.Wrapped, keyring.AD("data_keys", "wrapped", k.ID))
				if err != nil {
					return nrm.Internal(fmt.Errorf("data key %s: %w", k.ID, err))
				}
				err = tx.RewrapDataKey(ctx, k.ID, k.Wrapped, wrapped, version)
				if errors.Is(err, nrm.ErrStale) {
					continue // destroyed or rewrapped meanwhile; the next pass sees it
				}
				if err != nil {
					return err
				}
				res.Rewrapped++
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		if progress != nil {
			progress(res.Rewrapped)
		}
	}
	for _, v := range s.keys.Versions() {
		if v != version {
			res.Old = append(res.Old, v)
		}
	}
	err = s.write(ctx, func(tx Tx) error {
		return s.record(ctx, tx, s.entry(ctx, "keys.rotate", "", outcomeOK,
			fmt.Sprintf("version %d; rewrapped %d", version, res.Rewrapped)))
	})
	return res, err
}

// RetireKeys removes old key-encryption key versions that no data key is
// wrapped under any more (operator only). It returns the versions retired.
func (s *Service) RetireKeys(ctx context.Context) ([]uint32, error) {
	if err := system(ctx); err != nil {
		return nil, err
	}
	if err := s.keys.Reload(); err != nil {
		return nil, err
	}
	current := s.keys.CurrentVersion()
	var retired []uint32
	for _, v := range s.keys.Versions() {
		if v == current {
			continue
		}
		var n int
		if err := s.read(ctx, func(tx Tx) (err error) {
			n, err = tx.CountDataKeysUnder(ctx, v)
			return err
		}); err != nil {
			return retired, err
		}
		if n > 0 {
			return retired, nrm.Conflict("%d data keys are still wrapped under version %d: run nrm keys rotate first", n, v)
		}
		if err := s.keys.Retire(v); err != nil {
			return retired, err
		}
		retired = append(retired, v)
	}
	if len(retired) > 0 {
		err := s.write(ctx, func(tx Tx) error {
			return s.record(ctx, tx, s.entry(ctx, "keys.retire", "", outcomeOK, fmt.Sprintf("versions %v", retired)))
		})
		return retired, err
	}
	return retired, nil
}

// ReloadKeys picks up a rotation made by another process.
func (s *Service) ReloadKeys() error { return s.keys.Reload() }
