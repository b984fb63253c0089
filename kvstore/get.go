package kvstore

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/turbocache/turbocache/storage"
)

// Get opens the artifact stored under key. For an artifact in parts it
// checks, with one listing, that every part exists, and opens the first one
// before returning: a missing part makes Get fail with storage.ErrNotFound.
// The reader then fetches each further part when it gets there, with ctx;
// a part that vanished meanwhile, or that holds fewer or more bytes than the
// manifest says, makes Read fail rather than end early.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	rc, info, err := s.get(ctx, key)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("kvstore: get %q: %w", key, err)
	}
	return rc, info, nil
}

func (s *Store) get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	resp, err := s.send(ctx, &request{method: http.MethodGet, route: "values", key: key})
	if err != nil {
		return nil, storage.Info{}, err
	}
	br := bufio.NewReaderSize(resp.Body, maxManifestLine)
	m, err := readManifest(br)
	if err != nil {
		resp.Body.Close()
		return nil, storage.Info{}, err
	}
	if m.Parts == 0 {
		return newExactBody(ctx, br, resp.Body, m.Size, fmt.Sprintf("kvstore: read %q", key)), m.info(), nil
	}
	resp.Body.Close()
	if m.Parts > 1 {
		if err := s.checkParts(ctx, key, m); err != nil {
			return nil, storage.Info{}, err
		}
	}
	pr := &partsReader{ctx: ctx, s: s, key: key, m: m}
	if err := pr.open(0); err != nil {
		return nil, storage.Info{}, err
	}
	return pr, m.info(), nil
}

// checkParts lists the upload's part keys and fails with ErrNotFound unless
// all of m's parts are there.
func (s *Store) checkParts(ctx context.Context, key string, m *manifest) error {
	want := make(map[string]bool, m.Parts)
	for _, k := range m.partKeys(key) {
		want[k] = true
	}
	for name, err := range s.listKeys(ctx, partKeyPrefix(key, m.Upload)) {
		if err != nil {
			return fmt.Errorf("list parts of upload %s: %w", m.Upload, err)
		}
		delete(want, name.Name)
	}
	for n, k := range m.partKeys(key) {
		if want[k] {
			return fmt.Errorf("part %d of %d (upload %s) is missing: %w", n, m.Parts, m.Upload, storage.ErrNotFound)
		}
	}
	return nil
}

// partsReader streams the parts of one artifact in order.
type partsReader struct {
	ctx  context.Context
	s    *Store
	key  string
	m    *manifest
	n    int        // the part being read
	cur  *exactBody // nil once closed or finished
	done bool
}

// open starts reading part n.
func (p *partsReader) open(n int) error {
	resp, err := p.s.send(p.ctx, &request{method: http.MethodGet, route: "values", key: partKey(p.key, p.m.Upload, n)})
	if err != nil {
		return fmt.Errorf("part %d of %d (upload %s): %w", n, p.m.Parts, p.m.Upload, err)
	}
	p.n = n
	p.cur = newExactBody(p.ctx, resp.Body, resp.Body, p.m.partLen(n), fmt.Sprintf("part %d", n))
	return nil
}

func (p *partsReader) Read(b []byte) (int, error) {
	for {
		if p.done {
			return 0, io.EOF
		}
		if p.cur == nil {
			return 0, fmt.Errorf("kvstore: read %q: reader is closed", p.key)
		}
		n, err := p.cur.Read(b)
		if err != io.EOF {
			if err != nil {
				err = fmt.Errorf("kvstore: read %q: %w", p.key, err)
			}
			return n, err
		}
		p.cur.Close()
		p.cur = nil
		if p.n+1 == p.m.Parts {
			p.done = true
		} else if err := p.open(p.n + 1); err != nil {
			return n, fmt.Errorf("kvstore: read %q: %w", p.key, err)
		}
		if n > 0 {
			return n, nil
		}
	}
}

func (p *partsReader) Close() error {
	p.done = true
	if p.cur != nil {
		err := p.cur.Close()
		p.cur = nil
		return err
	}
	return nil
}

// exactBody yields exactly size bytes of r, with storage's checks that r
// holds no fewer and no more (storage.ExactReader), and names what it reads
// in its errors.
type exactBody struct {
	r    io.Reader
	c    io.Closer
	what string
}

func newExactBody(ctx context.Context, r io.Reader, c io.Closer, size int64, what string) *exactBody {
	return &exactBody{r: storage.ExactReader(ctx, r, size), c: c, what: what}
}

func (e *exactBody) Read(b []byte) (int, error) {
	n, err := e.r.Read(b)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", e.what, err)
	}
	return n, err
}

func (e *exactBody) Close() error { return e.c.Close() }
