package containertest

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"
	"github.com/turbocache/turbocache/internal/turbotest"
)

// TestTurboLocalVolume: the real turbo against the container, with the
// artifacts in a named volume at /data: the second run is FULL TURBO.
func TestTurboLocalVolume(t *testing.T) {
	imgs := images(t)
	repo := turbotest.NewRepo(t, nil)
	volume := "turbocache-test-" + randomName()
	t.Cleanup(func() { removeVolume(t, volume) }) // after the container's removal
	srv := StartServer(t, imgs.Server, ServerOptions{
		Env:    map[string]string{"TURBO_TOKEN": testToken},
		Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: volume, Target: "/data"}},
	})
	turboTwice(t, srv, repo, turbotest.RunOptions{API: srv.URL, Token: testToken, Team: "web"})
}

// TestTurboS3 runs the server's container against a versitygw container on
// one network, with the S3 variables and with the R2 ones, and the real
// turbo against the server: the second run is FULL TURBO.
func TestTurboS3(t *testing.T) {
	imgs := images(t)
	for _, tc := range []struct {
		name, region string
		env          func(s3 *S3, bucket string) map[string]string
	}{
		{"S3", "us-east-1", func(s3 *S3, bucket string) map[string]string {
			return map[string]string{
				"S3_ACCESS_KEY_ID": s3.AccessKeyID, "S3_SECRET_ACCESS_KEY": s3.SecretAccessKey,
				"S3_BUCKET_NAME": bucket, "S3_REGION": s3.Region,
				"S3_ENDPOINT": s3.NetworkEndpoint, "S3_FORCE_PATH_STYLE": "true",
			}
		}},
		// R2's variables, with the endpoint that R2_ACCOUNT_ID would make
		// replaced by the S3 server's (R2 itself is out of reach of tests).
		{"R2", "auto", func(s3 *S3, bucket string) map[string]string {
			return map[string]string{
				"R2_ACCESS_KEY_ID": s3.AccessKeyID, "R2_SECRET_ACCESS_KEY": s3.SecretAccessKey,
				"R2_BUCKET_NAME": bucket, "R2_ENDPOINT": s3.NetworkEndpoint,
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := turbotest.NewRepo(t, nil)
			nw := NewNetwork(t)
			s3 := StartVersitygw(t, imgs.Versitygw, nw, "s3", tc.region)
			env := tc.env(s3, s3.NewBucket(t))
			env["TURBO_TOKEN"] = testToken
			srv := StartServer(t, imgs.Server, ServerOptions{Env: env, Network: nw})
			turboTwice(t, srv, repo, turbotest.RunOptions{API: srv.URL, Token: testToken, Team: "web"})
		})
	}
}

// turboTwice runs turbo twice with the local caches cleared in between and
// requires that the second run is a full remote hit, with the durations
// the server reports for the artifacts of the first.
func turboTwice(t *testing.T, srv *Server, repo *turbotest.Repo, run turbotest.RunOptions) {
	t.Helper()
	first := repo.Run(t, run)
	first.RequireAllMisses(t)
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		req, err := http.NewRequest("HEAD", srv.URL+"/v8/artifacts/"+task.Hash+"?slug="+run.Team, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+run.Token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "task %s was not uploaded", task.TaskID)
		d, err := strconv.ParseInt(resp.Header.Get("x-artifact-duration"), 10, 64)
		require.NoError(t, err, "x-artifact-duration of %s", task.Hash)
		durations[task.Hash] = d
	}
	repo.Run(t, run).RequireFullRemoteHit(t, durations)
}

func removeVolume(t *testing.T, name string) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Errorf("remove volume %s: %v", name, err)
		return
	}
	defer p.Close()
	if _, err := p.Client().VolumeRemove(context.Background(), name, client.VolumeRemoveOptions{Force: true}); err != nil {
		t.Errorf("remove volume %s: %v", name, err)
	}
}
