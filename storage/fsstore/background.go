package fsstore

import "time"

// background writes access times, rescans the directory and syncs what
// was written, as the Store needs, until Close.
func (s *Store) background(flushEvery, rescanEvery, syncEvery time.Duration) {
	defer close(s.done)
	var tickers []*time.Ticker
	defer func() {
		for _, t := range tickers {
			t.Stop()
		}
	}()
	// every returns the ticks of a ticker of period d, or nil (never) when
	// the Store does not need the work.
	every := func(d time.Duration, needed bool) <-chan time.Time {
		if !needed {
			return nil
		}
		t := time.NewTicker(d)
		tickers = append(tickers, t)
		return t.C
	}
	bounded := s.maxSize > 0
	flush := every(flushEvery, bounded)
	rescan := every(rescanEvery, bounded)
	sync := every(syncEvery, !s.syncEachPut)
	for {
		select {
		case <-s.stop:
			if bounded {
				s.flushAccess()
			}
			return
		case <-flush:
			s.flushAccess()
		case <-rescan:
			if err := s.rescan(); err != nil {
				s.log.Warn("fsstore: rescanning the directory failed", "dir", s.Dir(), "err", err)
			}
		case <-sync:
			if err := s.syncNow(); err != nil {
				s.log.Error("fsstore: syncing the artifacts written failed; retrying", "dir", s.Dir(), "err", err)
			}
		}
	}
}
