package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoLister is returned by Sweep for a store that does not implement Lister.
var ErrNoLister = errors.New("storage: store cannot list its artifacts")

// maxSweepErrors bounds how many individual failures one Sweep reports.
const maxSweepErrors = 10

// Sweep deletes every artifact in s created before cutoff and reports how many
// it removed. s must implement [Lister].
//
// Sweep checks each candidate with Stat just before deleting it, so an
// artifact overwritten since the listing began is kept. A failure to delete
// one artifact does not stop the sweep: Sweep goes on and returns the failures
// joined (at most ten of them) with the count of what it did remove. A failure
// to list, or the end of ctx, stops it.
func Sweep(ctx context.Context, s Store, cutoff time.Time) (int, error) {
	l, ok := s.(Lister)
	if !ok {
		return 0, fmt.Errorf("%w (%T)", ErrNoLister, s)
	}
	removed := 0
	var errs []error
	for obj, err := range l.List(ctx, "") {
		if err != nil {
			return removed, errors.Join(append(errs, fmt.Errorf("storage: sweep: list: %w", err))...)
		}
		if !obj.Created.Before(cutoff) {
			continue
		}
		deleted, err := sweepOne(ctx, s, obj.Key, cutoff)
		if err != nil {
			if ctx.Err() != nil {
				return removed, errors.Join(append(errs, ctx.Err())...)
			}
			if len(errs) < maxSweepErrors {
				errs = append(errs, err)
			}
		}
		if deleted {
			removed++
		}
	}
	return removed, errors.Join(errs...)
}

// sweepOne deletes key if the artifact stored there now is still older than
// cutoff, and reports whether it did.
func sweepOne(ctx context.Context, s Store, key string, cutoff time.Time) (bool, error) {
	info, err := s.Stat(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return false, nil // gone already
	}
	if err != nil {
		return false, fmt.Errorf("storage: sweep: stat %q: %w", key, err)
	}
	if !info.Created.Before(cutoff) {
		return false, nil // replaced since the listing
	}
	if err := s.Delete(ctx, key); err != nil {
		return false, fmt.Errorf("storage: sweep: delete %q: %w", key, err)
	}
	return true, nil
}
