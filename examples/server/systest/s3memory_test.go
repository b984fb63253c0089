package systest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
)

// TestS3UploadMemory runs the server on an S3 bucket (versitygw) and sends
// it 16 uploads of 100 MiB at once: the server's peak resident memory stays
// within the upload memory budget plus 40 MiB, whatever the number of
// uploads, and every artifact comes back whole.
func TestS3UploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 1.6 GiB")
	}
	const (
		uploads = 16
		size    = 100 << 20
		budget  = s3store.DefaultUploadMemory // S3_UPLOAD_MEMORY unset
		slack   = 40 << 20
	)
	srv := s3test.Start(t, s3test.Options{})
	s := startServer(t, t.TempDir(),
		"S3_ACCESS_KEY_ID="+srv.AccessKeyID, "S3_SECRET_ACCESS_KEY="+srv.SecretAccessKey,
		"S3_BUCKET_NAME="+srv.NewBucket(t), "S3_REGION="+srv.Region,
		"S3_ENDPOINT="+srv.Endpoint, "S3_FORCE_PATH_STYLE=true")
	require.Contains(t, s.stderr.String(), "upload_memory="+strconv.Itoa(budget))
	idle, err := s.peakRSS()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: uploads, MaxIdleConnsPerHost: uploads}}
	arts := make([]artifact, uploads)
	codes := make([]int, uploads)
	errs := make([]error, uploads)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range arts {
		arts[i] = newArtifact(0x53e0000+uint64(i), size)
		wg.Go(func() {
			resp, err := s.doWith(ctx, client, "PUT", artifactPath("team_s3mem", arts[i].hash), arts[i].reader(), size)
			if err != nil {
				errs[i] = err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	peak, err := s.peakRSS()
	require.NoError(t, err)
	for i := range arts {
		require.NoError(t, errs[i], "PUT %d", i)
		require.Equal(t, http.StatusAccepted, codes[i], "PUT %d", i)
	}
	t.Logf("%d concurrent PUTs of %d MiB in %v (%.0f MiB/s); peak RSS %.1f MiB (%.1f MiB idle), bound %d MiB (budget %d MiB + %d MiB)",
		uploads, size>>20, elapsed.Round(time.Millisecond), float64(uploads*size>>20)/elapsed.Seconds(),
		float64(peak)/(1<<20), float64(idle)/(1<<20), (budget+slack)>>20, budget>>20, slack>>20)
	assert.LessOrEqual(t, peak, int64(budget+slack), "peak RSS during %d concurrent uploads", uploads)

	for _, a := range arts {
		resp, err := s.doWith(ctx, client, "GET", artifactPath("team_s3mem", a.hash), nil, -1)
		require.NoError(t, err)
		sum, n, err := sumOf(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, int64(size), n)
		require.Equal(t, a.sum(), sum, "GET %s: the bytes uploaded", a.hash)
	}
}

// peakRSS reads the server's peak resident set size (VmHWM) from /proc, in
// bytes.
func (s *server) peakRSS() (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kib << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}
