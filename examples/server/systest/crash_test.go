package systest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCrashDuringUploads kills the server with SIGKILL while 20 uploads are
// in flight, half of them already answered and half still sending, then
// restarts it on the same directory: every answered upload is served
// intact, no interrupted one is served at all (not even in part), and the
// temporary files of the interrupted ones are gone.
func TestCrashDuringUploads(t *testing.T) {
	const (
		uploads = 20
		size    = 4 << 20
		team    = "team_crash"
	)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	srv := startServer(t, dir)

	// One client per upload, so that none waits for another's connection.
	arts := make([]artifact, uploads)
	writers := make([]*io.PipeWriter, uploads)
	results := make([]chan int, uploads)
	for i := range arts {
		arts[i] = newArtifact(uint64(0xc0ffee00+i), size+int64(i))
		pr, pw := io.Pipe()
		writers[i], results[i] = pw, make(chan int, 1)
		go func() {
			client := &http.Client{Transport: &http.Transport{}}
			resp, err := srv.doWith(ctx, client, "PUT", artifactPath(team, arts[i].hash), pr, arts[i].size)
			if err != nil {
				results[i] <- 0 // the connection broke: the server was killed
				return
			}
			resp.Body.Close()
			results[i] <- resp.StatusCode
		}()
	}

	// Every upload sends half of its bytes; the first half of the uploads
	// then send the rest and are answered.
	var wg sync.WaitGroup
	for i := range arts {
		wg.Go(func() {
			r := arts[i].reader()
			_, err := io.CopyN(writers[i], r, arts[i].size/2)
			assert.NoError(t, err, "upload %d, first half", i)
			if i < uploads/2 {
				_, err = io.Copy(writers[i], r)
				assert.NoError(t, err, "upload %d, second half", i)
				writers[i].Close()
			}
		})
	}
	wg.Wait()
	for i := range uploads / 2 {
		select {
		case code := <-results[i]:
			require.Equal(t, http.StatusAccepted, code, "completed upload %d", i)
		case <-ctx.Done():
			t.Fatalf("completed upload %d was not answered", i)
		}
	}
	// The unfinished uploads have reached the disk as temporary files.
	require.Eventually(t, func() bool {
		temps := tempFiles(t, dir)
		if len(temps) < uploads/2 {
			return false
		}
		for _, n := range temps {
			if n < size/4 {
				return false
			}
		}
		return true
	}, time.Minute, 10*time.Millisecond, "the interrupted uploads' temporary files")
	t.Logf("temporary files before the crash: %d", len(tempFiles(t, dir)))

	srv.kill(t)
	for i := uploads / 2; i < uploads; i++ {
		writers[i].CloseWithError(io.ErrClosedPipe)
		assert.Equal(t, 0, <-results[i], "interrupted upload %d was answered", i)
	}

	srv = startServer(t, dir)
	assert.Empty(t, tempFiles(t, dir), "temporary files after the restart")
	for i, a := range arts {
		resp, err := srv.do(ctx, "GET", artifactPath(team, a.hash), nil, -1)
		require.NoError(t, err)
		sum, n, err := sumOf(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		if i < uploads/2 {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "completed upload %d", i)
			assert.Equal(t, a.size, n, "completed upload %d: size", i)
			assert.Equal(t, a.sum(), sum, "completed upload %d: sha256", i)
			continue
		}
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "interrupted upload %d", i)
	}

	// The batch query agrees: answered uploads exist, interrupted ones do not.
	hashes := make([]string, len(arts))
	for i, a := range arts {
		hashes[i] = a.hash
	}
	body, err := json.Marshal(map[string][]string{"hashes": hashes})
	require.NoError(t, err)
	resp, err := srv.do(ctx, "POST", "/v8/artifacts?teamId="+team, bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var answers map[string]*struct{ Size int64 }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answers))
	for i, a := range arts {
		if i < uploads/2 {
			if assert.NotNil(t, answers[a.hash], "query: completed upload %d", i) {
				assert.Equal(t, a.size, answers[a.hash].Size, "query: completed upload %d", i)
			}
		} else {
			assert.Nil(t, answers[a.hash], "query: interrupted upload %d", i)
		}
	}
}
