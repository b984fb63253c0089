package kvstore

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// partExtraTTL is how much longer parts live than their manifest.
const partExtraTTL = 10 * time.Minute

// Put stores the bytes of r under key. An artifact that fits in one part
// takes one write; a larger one takes one write per part, then the
// manifest. Either way Put first reads the KV metadata under key, so that it
// can delete the parts of the artifact it replaces once its own manifest is
// written. If anything fails before the manifest is written, Put deletes the
// parts it wrote and no new artifact is visible.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := s.put(ctx, key, r, size, md); err != nil {
		return fmt.Errorf("kvstore: put %q: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	m := &manifest{Version: manifestVersion, Upload: newUploadID(), metadata: metadata(md)}
	if _, err := m.line(); err != nil { // refuse oversized metadata before any write
		return err
	}
	c := newChunker(storage.ExactReader(ctx, r, size), s.cfg.partSize, size)
	chunk, last, err := c.next()
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if last {
		m.Size = int64(len(chunk))
		return s.commit(ctx, key, m, chunk)
	}
	m.PartSize = int64(s.cfg.partSize)
	written := 0
	fail := func(err error) error {
		if written > 0 {
			if cerr := cleanup(ctx, func(ctx context.Context) error {
				keys := make([]string, written)
				for i := range keys {
					keys[i] = partKey(key, m.Upload, i)
				}
				return s.bulkDelete(ctx, keys)
			}); cerr != nil {
				return fmt.Errorf("%w (and deleting %d written parts failed: %w)", err, written, cerr)
			}
		}
		return err
	}
	for {
		if err := s.putPart(ctx, partKey(key, m.Upload, written), chunk); err != nil {
			return fail(fmt.Errorf("write part %d: %w", written, err))
		}
		written++
		m.Size += int64(len(chunk))
		if last {
			break
		}
		if chunk, last, err = c.next(); err != nil {
			return fail(fmt.Errorf("read body: %w", err))
		}
	}
	m.Parts = written
	if err := s.commit(ctx, key, m, nil); err != nil {
		return fail(err)
	}
	return nil
}

// commit writes the manifest (with inline bytes when m has no parts), then
// deletes the parts of the artifact it replaced.
func (s *Store) commit(ctx context.Context, key string, m *manifest, inline []byte) error {
	old, err := s.kvMetadata(ctx, key)
	if err != nil && !errIsNotFound(err) {
		return fmt.Errorf("read the metadata of the artifact to replace: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.Created = time.Now().UTC()
	line, err := m.line()
	if err != nil {
		return err
	}
	meta, err := m.kvMetadata()
	if err != nil {
		return err
	}
	boundary := newUploadID()
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + string(meta) +
		"\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"value\"; filename=\"value\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	_, err = s.call(ctx, &request{
		method: http.MethodPut, route: "values", key: key, query: s.ttlQuery(0),
		body:        [][]byte{[]byte(head), line, inline, []byte(tail)},
		contentType: "multipart/form-data; boundary=" + boundary,
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	if old != nil && old.Parts > 0 && old.Upload != m.Upload {
		// The old parts are unreachable now. Failing to delete them does not
		// fail the Put: the time to live, if any, removes them.
		_ = cleanup(ctx, func(ctx context.Context) error { return s.bulkDelete(ctx, old.partKeys(key)) })
	}
	return nil
}

// putPart writes one part as a raw value.
func (s *Store) putPart(ctx context.Context, kvKey string, data []byte) error {
	_, err := s.call(ctx, &request{
		method: http.MethodPut, route: "values", key: kvKey, query: s.ttlQuery(partExtraTTL),
		body: [][]byte{data}, contentType: "application/octet-stream",
	})
	return err
}

// ttlQuery is the expiration_ttl parameter, extended by extra, if the store
// has a time to live.
func (s *Store) ttlQuery(extra time.Duration) url.Values {
	if s.cfg.ttlSeconds == 0 {
		return nil
	}
	return url.Values{"expiration_ttl": {strconv.FormatInt(s.cfg.ttlSeconds+int64(extra/time.Second), 10)}}
}
