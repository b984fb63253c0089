package tiered

import "sync"

// keyLock serializes the writes of one key: Puts, Deletes and the upload of
// its queued artifact. Reads never take it.
type keyLock struct {
	mu   sync.Mutex
	refs int // holders and waiters; the lock leaves the map at zero
}

// lockKey locks key for writing and returns the function that unlocks it.
func (s *Store) lockKey(key string) (unlock func()) {
	s.mu.Lock()
	l := s.locks[key]
	if l == nil {
		l = &keyLock{}
		s.locks[key] = l
	}
	l.refs++
	s.mu.Unlock()

	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		s.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(s.locks, key)
		}
		s.mu.Unlock()
	}
}
