package containertest

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
	"github.com/turbocache/turbocache/internal/s3test"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// s3Port is the port versitygw listens on in its container.
const s3Port = "7070/tcp"

// S3 is a versitygw container: an S3 server for the tests, on a network
// that server containers join.
type S3 struct {
	// Server reaches the container from the host, through the port
	// published on 127.0.0.1: for the test's own client (creating
	// buckets, reading what the server stored).
	*s3test.Server
	// NetworkEndpoint is the base URL containers on the network use.
	NetworkEndpoint string
}

// StartVersitygw runs versitygw's image on nw, under the network alias
// alias, with root credentials made for the test and its data on a tmpfs.
// The container is removed when the test ends.
func StartVersitygw(t testing.TB, image string, nw *testcontainers.DockerNetwork, alias, region string) *S3 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	key, secret := "AKTEST"+strings.ToUpper(rand.Text()[:14]), rand.Text()
	ctr, err := testcontainers.Run(ctx, image,
		testcontainers.WithEnv(map[string]string{
			"ROOT_ACCESS_KEY_ID": key, "ROOT_SECRET_ACCESS_KEY": secret,
			"VGW_PORT": ":7070", "VGW_REGION": region, "VGW_QUIET": "true",
		}),
		testcontainers.WithCmd("posix", "/gw"),
		testcontainers.WithTmpfs(map[string]string{"/gw": "rw"}),
		testcontainers.WithExposedPorts(s3Port),
		loopbackPorts(s3Port),
		tcnetwork.WithNetwork([]string{alias}, nw),
		// Any HTTP answer (403 to an unsigned request) means it serves.
		testcontainers.WithWaitStrategyAndDeadline(time.Minute,
			wait.ForHTTP("/").WithPort(s3Port).WithStatusCodeMatcher(func(int) bool { return true })),
	)
	cleanupWithLogs(t, ctr)
	if err != nil {
		t.Fatalf("start %s: %v", image, err)
	}
	return &S3{
		Server: &s3test.Server{
			Endpoint: "http://" + hostPort(t, ctr, s3Port), Region: region,
			AccessKeyID: key, SecretAccessKey: secret, HTTPClient: &http.Client{},
		},
		NetworkEndpoint: "http://" + alias + ":7070",
	}
}

// NewNetwork makes a network for the test's containers, removed when the
// test ends.
func NewNetwork(t testing.TB) *testcontainers.DockerNetwork {
	t.Helper()
	nw, err := tcnetwork.New(context.Background())
	if err != nil {
		t.Fatalf("create a network: %v", err)
	}
	testcontainers.CleanupNetwork(t, nw)
	return nw
}
