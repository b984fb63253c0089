package s3store_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
)

// faultArtifact is a pseudo-random artifact named by its hash, so that any
// client can regenerate and check it.
type faultArtifact struct {
	hash string
	size int64
}

func (a faultArtifact) reader() io.Reader {
	var seed [32]byte
	copy(seed[:], a.hash)
	binary.LittleEndian.PutUint64(seed[24:], uint64(a.size))
	return io.LimitReader(rand.NewChaCha8(seed), a.size)
}

func (a faultArtifact) sum() [sha256.Size]byte {
	h := sha256.New()
	_, _ = io.Copy(h, a.reader())
	return [sha256.Size]byte(h.Sum(nil))
}

// faultOutcomes counts the answers of a run against a failing backend. Any
// count in the second group is a bug.
type faultOutcomes struct {
	putOK, put5xx, getOK, get5xx, getCut atomic.Int64
	putOther, get404, getOther, getWrong atomic.Int64
}

func (o *faultOutcomes) String() string {
	return fmt.Sprintf("PUT 202: %d, PUT 5xx: %d, GET 200: %d, GET 5xx: %d, GET cut short: %d; "+
		"PUT other: %d, GET 404: %d, GET other: %d, GET wrong bytes: %d",
		o.putOK.Load(), o.put5xx.Load(), o.getOK.Load(), o.get5xx.Load(), o.getCut.Load(),
		o.putOther.Load(), o.get404.Load(), o.getOther.Load(), o.getWrong.Load())
}

// TestHTTPAPIWhileS3Stops serves the remote-cache protocol from an S3
// bucket, stops the S3 server while clients upload and download, and starts
// it again. While S3 is down every answer is a 5xx (never a miss, never
// wrong bytes); a download cut off mid-stream ends short of its
// Content-Length, so the client notices; every upload answered 202 is
// stored whole; and once S3 is back the cache works again without a
// restart.
func TestHTTPAPIWhileS3Stops(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	store := openStore(t, srv, s3store.Config{})
	h, err := httpapi.New(store, &httpapi.Options{DefaultTeam: "team_fault"})
	require.NoError(t, err)
	api := httptest.NewServer(h)
	defer api.Close()
	client := api.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	put := func(a faultArtifact) (int, error) {
		req, err := http.NewRequestWithContext(ctx, "PUT", api.URL+"/v8/artifacts/"+a.hash, a.reader())
		if err != nil {
			return 0, err
		}
		req.ContentLength = a.size
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// get returns the status, whether a 200's body arrived whole, and its
	// digest.
	get := func(a faultArtifact) (int, bool, [sha256.Size]byte, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", api.URL+"/v8/artifacts/"+a.hash, nil)
		if err != nil {
			return 0, false, [sha256.Size]byte{}, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, false, [sha256.Size]byte{}, err
		}
		defer resp.Body.Close()
		hs := sha256.New()
		n, err := io.Copy(hs, resp.Body)
		whole := err == nil && n == resp.ContentLength
		return resp.StatusCode, whole, [sha256.Size]byte(hs.Sum(nil)), nil
	}

	// Artifacts stored before the outage, small and multipart-sized.
	var stored []faultArtifact
	sums := map[string][sha256.Size]byte{}
	for i, size := range []int64{0, 1, 64 << 10, 1 << 20, 12 << 20, 24 << 20} {
		a := faultArtifact{hash: fmt.Sprintf("5705%012x", i), size: size}
		code, err := put(a)
		require.NoError(t, err)
		require.Equal(t, http.StatusAccepted, code, "PUT %d bytes", size)
		stored = append(stored, a)
		sums[a.hash] = a.sum()
	}

	var out faultOutcomes
	var mu sync.Mutex
	var accepted []faultArtifact // uploads answered 202
	var next atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				select {
				case <-stop:
					return
				default:
				}
				if r.IntN(2) == 0 {
					size := []int64{4 << 10, 512 << 10, 9 << 20}[r.IntN(3)]
					a := faultArtifact{hash: fmt.Sprintf("9e70%012x", next.Add(1)), size: size}
					code, err := put(a)
					switch {
					case err != nil:
						t.Errorf("PUT %s: %v", a.hash, err)
						return
					case code == http.StatusAccepted:
						out.putOK.Add(1)
						mu.Lock()
						accepted = append(accepted, a)
						mu.Unlock()
					case code >= 500:
						out.put5xx.Add(1)
					default:
						out.putOther.Add(1)
						t.Errorf("PUT %s: status %d", a.hash, code)
					}
					continue
				}
				a := stored[r.IntN(len(stored))]
				code, whole, sum, err := get(a)
				switch {
				case err != nil:
					t.Errorf("GET %s: %v", a.hash, err)
					return
				case code == http.StatusOK && !whole:
					out.getCut.Add(1)
				case code == http.StatusOK && sum == sums[a.hash]:
					out.getOK.Add(1)
				case code == http.StatusOK:
					out.getWrong.Add(1)
					t.Errorf("GET %s: 200 with the wrong bytes", a.hash)
				case code >= 500:
					out.get5xx.Add(1)
				case code == http.StatusNotFound:
					out.get404.Add(1)
					t.Errorf("GET %s: a stored artifact answered 404", a.hash)
				default:
					out.getOther.Add(1)
					t.Errorf("GET %s: status %d", a.hash, code)
				}
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()

	wait := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, cond, time.Minute, 10*time.Millisecond, "%s; %v", what, &out)
	}
	wait("successes before the outage", func() bool { return out.putOK.Load() >= 5 && out.getOK.Load() >= 5 })
	srv.Stop()
	t.Logf("S3 stopped: %v", &out)
	wait("5xx answers during the outage", func() bool { return out.put5xx.Load() >= 10 && out.get5xx.Load() >= 10 })
	okBefore := out.putOK.Load() + out.getOK.Load()
	require.NoError(t, srv.Start(ctx))
	t.Logf("S3 started: %v", &out)
	wait("successes after the outage", func() bool {
		return out.putOK.Load()+out.getOK.Load() >= okBefore+20
	})
	close(stop)
	wg.Wait()
	stop = make(chan struct{}) // for the deferred close
	t.Logf("done: %v", &out)

	// Every upload answered 202 is there, whole.
	mu.Lock()
	defer mu.Unlock()
	for _, a := range accepted {
		code, whole, sum, err := get(a)
		require.NoError(t, err)
		if assert.Equal(t, http.StatusOK, code, "GET %s after a 202", a.hash) {
			assert.True(t, whole && sum == a.sum(), "GET %s: the bytes of the 202 upload", a.hash)
		}
	}
	assert.Zero(t, out.putOther.Load()+out.get404.Load()+out.getOther.Load()+out.getWrong.Load(), "wrong answers: %v", &out)
}
