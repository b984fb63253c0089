package kvstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// Store is a [storage.Store] and [storage.Lister] over one Workers KV
// namespace. It is safe for concurrent use.
type Store struct {
	cfg settings
}

var (
	_ storage.Store  = (*Store)(nil)
	_ storage.Lister = (*Store)(nil)
)

// Open checks cfg and returns a Store for the namespace it names. It sends
// no request: a wrong token or namespace shows in the first call.
func Open(cfg Config) (*Store, error) {
	s, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Store{cfg: s}, nil
}

// Stat reports on the artifact stored under key from its KV metadata, with
// one small request; only when the artifact's metadata was too large for KV
// metadata does it read the manifest line too.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, err
	}
	m, err := s.kvMetadata(ctx, key)
	if err != nil {
		return storage.Info{}, fmt.Errorf("kvstore: stat %q: %w", key, err)
	}
	if m.Partial {
		resp, err := s.send(ctx, &request{method: http.MethodGet, route: "values", key: key})
		if err != nil {
			return storage.Info{}, fmt.Errorf("kvstore: stat %q: %w", key, err)
		}
		defer resp.Body.Close()
		if m, err = readManifest(bufio.NewReaderSize(resp.Body, maxManifestLine)); err != nil {
			return storage.Info{}, fmt.Errorf("kvstore: stat %q: %w", key, err)
		}
	}
	return m.info(), nil
}

// kvMetadata reads the manifest summary kept in key's KV metadata.
func (s *Store) kvMetadata(ctx context.Context, key string) (*manifest, error) {
	env, err := s.call(ctx, &request{method: http.MethodGet, route: "metadata", key: key})
	if err != nil {
		return nil, err
	}
	return decodeKVMetadata(env.Result)
}

// decodeKVMetadata decodes a key's metadata as the API returns it: a JSON
// object, or a string holding one.
func decodeKVMetadata(raw json.RawMessage) (*manifest, error) {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		raw = json.RawMessage(str)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode KV metadata %.64q: %w", raw, err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Delete removes the artifact stored under key: first its manifest, so no
// reader finds it any more, then its parts.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	m, err := s.kvMetadata(ctx, key)
	if err != nil && !errIsNotFound(err) {
		return fmt.Errorf("kvstore: delete %q: %w", key, err)
	}
	if err := s.deleteValue(ctx, key); err != nil {
		return fmt.Errorf("kvstore: delete %q: %w", key, err)
	}
	if m != nil && m.Parts > 0 {
		if err := s.bulkDelete(ctx, m.partKeys(key)); err != nil {
			return fmt.Errorf("kvstore: delete %q: parts of upload %s: %w", key, m.Upload, err)
		}
	}
	return nil
}

// deleteValue deletes one KV key; a missing key is no error.
func (s *Store) deleteValue(ctx context.Context, kvKey string) error {
	_, err := s.call(ctx, &request{method: http.MethodDelete, route: "values", key: kvKey})
	if errIsNotFound(err) {
		return nil
	}
	return err
}

// maxBulkDelete is the most keys one bulk delete request may name.
const maxBulkDelete = 10000

// bulkDelete deletes keys with as few requests as KV allows.
func (s *Store) bulkDelete(ctx context.Context, keys []string) error {
	for len(keys) > 0 {
		n := min(len(keys), maxBulkDelete)
		body, err := json.Marshal(keys[:n])
		if err != nil {
			return err
		}
		env, err := s.call(ctx, &request{method: http.MethodPost, route: "bulk/delete", body: [][]byte{body}, contentType: "application/json"})
		if err != nil {
			return err
		}
		var res struct {
			Unsuccessful []string `json:"unsuccessful_keys"`
		}
		if len(env.Result) > 0 && json.Unmarshal(env.Result, &res) == nil && len(res.Unsuccessful) > 0 {
			return fmt.Errorf("bulk delete left %d of %d keys, first %q", len(res.Unsuccessful), n, res.Unsuccessful[0])
		}
		keys = keys[n:]
	}
	return nil
}

// cleanup runs f for best-effort removal after ctx may have ended, bounded
// in time.
func cleanup(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return f(ctx)
}
