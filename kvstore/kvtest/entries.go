package kvtest

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
)

// entry is one stored key. It is replaced, never changed, once stored.
type entry struct {
	file       string // holds the value
	size       int64
	metadata   json.RawMessage // nil: none
	expiration int64           // Unix seconds; 0: never
}

// lookup returns the live entry under key, or nil. s.mu must be held.
func (s *Server) lookup(key string) *entry {
	e := s.entries[key]
	if e != nil && e.expiration != 0 && e.expiration <= s.now().Unix() {
		s.dropLocked(key)
		return nil
	}
	return e
}

// get returns the live entry under key, or nil.
func (s *Server) get(key string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookup(key)
}

// store puts e under key, replacing and removing what was there.
func (s *Server) store(key string, e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropLocked(key)
	s.entries[key] = e
}

// dropLocked removes key. An open reader of its file keeps reading it.
func (s *Server) dropLocked(key string) bool {
	e := s.entries[key]
	if e == nil {
		return false
	}
	delete(s.entries, key)
	os.Remove(e.file)
	return true
}

// Remove deletes key behind the client's back, as if it had been lost or
// had expired, and reports whether it was there.
func (s *Server) Remove(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookup(key) != nil && s.dropLocked(key)
}

// Keys returns every live key in byte order.
func (s *Server) Keys() []string { return s.keysFrom("", "") }

// keysFrom returns the live keys starting with prefix and greater than
// after, in byte order.
func (s *Server) keysFrom(prefix, after string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.entries {
		if strings.HasPrefix(k, prefix) && k > after && s.lookup(k) != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
