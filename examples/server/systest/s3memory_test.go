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
// within a bound whatever the number of uploads, and every artifact comes
// back whole. Straight to S3, the bound is the upload memory budget plus
// 40 MiB. With the local tier in front (write-back), the uploads to S3 read
// the queued files in place, with no part buffer: 48 MiB, the whole queue
// sent included.
func TestS3UploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 1.6 GiB")
	}
	const (
		uploads = 16
		size    = 100 << 20
		budget  = s3store.DefaultUploadMemory // S3_UPLOAD_MEMORY unset
	)
	for _, tc := range []struct {
		name  string
		tier  bool
		bound int64
	}{
		{"S3", false, budget + 40<<20},
		{"TierOverS3", true, 48 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := s3test.Start(t, s3test.Options{})
			bucket := srv.NewBucket(t)
			env := []string{"S3_ACCESS_KEY_ID=" + srv.AccessKeyID, "S3_SECRET_ACCESS_KEY=" + srv.SecretAccessKey,
				"S3_BUCKET_NAME=" + bucket, "S3_REGION=" + srv.Region,
				"S3_ENDPOINT=" + srv.Endpoint, "S3_FORCE_PATH_STYLE=true"}
			if tc.tier {
				env = append(env, "LOCAL_CACHE_DIR="+t.TempDir())
			}
			s := startServer(t, t.TempDir(), env...)
			if !tc.tier {
				require.Contains(t, s.stderr.String(), "upload_memory="+strconv.Itoa(budget))
			}
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
			for i := range arts {
				require.NoError(t, errs[i], "PUT %d", i)
				require.Equal(t, http.StatusAccepted, codes[i], "PUT %d", i)
			}
			if tc.tier {
				s.waitForUploads(t, ctx, uploads)
			}
			elapsed := time.Since(start)
			peak, err := s.peakRSS()
			require.NoError(t, err)
			objects, _, err := srv.Leftovers(ctx, bucket)
			require.NoError(t, err)
			require.Len(t, objects, uploads, "every artifact is in the bucket")
			t.Logf("%d concurrent PUTs of %d MiB stored in S3 in %v (%.0f MiB/s); peak RSS %.1f MiB (%.1f MiB idle), bound %d MiB",
				uploads, size>>20, elapsed.Round(time.Millisecond), float64(uploads*size>>20)/elapsed.Seconds(),
				float64(peak)/(1<<20), float64(idle)/(1<<20), tc.bound>>20)
			assert.LessOrEqual(t, peak, tc.bound, "peak RSS during %d concurrent uploads", uploads)

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
		})
	}
}

// waitForUploads waits until the server's local tier has sent n artifacts
// to the remote store and has none queued, as its metrics say.
func (s *server) waitForUploads(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	want := []string{"turbocache_tier_uploads_total " + strconv.Itoa(n) + "\n", "turbocache_tier_queued_uploads 0\n"}
	require.Eventually(t, func() bool {
		resp, err := s.doWith(ctx, http.DefaultClient, "GET", "/metrics", nil, -1)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			return false
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				return false
			}
		}
		return true
	}, 5*time.Minute, 100*time.Millisecond, "the tier's uploads did not finish")
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
