package kvstore

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/turbocache/turbocache/storage"
)

// listPage is the most keys KV returns in one list request.
const listPage = 1000

// listedKey is one entry of a KV list answer.
type listedKey struct {
	Name       string          `json:"name"`
	Expiration int64           `json:"expiration,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
}

// List yields the artifacts whose keys start with prefix, with their size
// and creation time, from KV's key listing (1,000 keys per request,
// following the cursor until it is empty). Part keys and keys that this
// store did not write are skipped. KV lists keys in byte order and part
// keys sort after every artifact key, so listing stops at the first one.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		for k, err := range s.listKeys(ctx, prefix) {
			if err != nil {
				yield(storage.Object{}, fmt.Errorf("kvstore: list %q: %w", prefix, err))
				return
			}
			if strings.HasPrefix(k.Name, partPrefix) {
				return
			}
			if storage.ValidKey(k.Name) != nil || len(k.Metadata) == 0 {
				continue
			}
			m, err := decodeKVMetadata(k.Metadata)
			if err != nil {
				continue // not written by this store
			}
			if !yield(storage.Object{Key: k.Name, Size: m.Size, Created: m.Created}, nil) {
				return
			}
		}
	}
}

// listKeys yields every KV key starting with prefix.
func (s *Store) listKeys(ctx context.Context, prefix string) iter.Seq2[listedKey, error] {
	return func(yield func(listedKey, error) bool) {
		cursor := ""
		for {
			q := url.Values{"limit": {fmt.Sprint(listPage)}}
			if prefix != "" {
				q.Set("prefix", prefix)
			}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			env, err := s.call(ctx, &request{method: http.MethodGet, route: "keys", query: q})
			if err != nil {
				yield(listedKey{}, err)
				return
			}
			var keys []listedKey
			if err := json.Unmarshal(env.Result, &keys); err != nil {
				yield(listedKey{}, fmt.Errorf("decode key list: %w", err))
				return
			}
			for _, k := range keys {
				if !yield(k, nil) {
					return
				}
			}
			cursor = env.ResultInfo.Cursor
			if cursor == "" {
				return
			}
		}
	}
}
