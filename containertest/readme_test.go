package containertest

import (
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/freeport"
	"github.com/turbocache/turbocache/internal/testcert"
)

// readmeCommands returns the commands of the README's "Run the image"
// section that start with prefix, continuation lines joined.
func readmeCommands(t *testing.T, prefix string) []string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := string(b)
	start := strings.Index(text, "\n## Run the image\n")
	require.NotEqual(t, -1, start, "no Run the image section in the README")
	text = text[start+1:]
	if end := strings.Index(text[3:], "\n## "); end >= 0 {
		text = text[:end+3]
	}
	var cmds []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimPrefix(lines[i], "    ")
		if line == lines[i] || !strings.HasPrefix(line, prefix) {
			continue
		}
		cmd := line
		for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[i])
		}
		cmds = append(cmds, cmd)
	}
	return cmds
}

// engineCLI is the podman or docker command, for the README's lines.
func engineCLI(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"podman", "docker"} {
		if p, err := exec.LookPath(name); err == nil {
			if exec.Command(p, "info").Run() == nil {
				return p
			}
		}
	}
	t.Fatal("neither podman nor docker reaches an engine, for the README's commands")
	return ""
}

// TestReadmeRunCommands runs the README's `docker run` lines as they are
// written (with podman where it is the engine), with these replacements
// only: the image is the one built for the tests, names, volumes and the
// published port are made unique, "…" is a value the test made, the S3 and
// R2 lines get an endpoint on a versitygw container (the real services are
// out of reach), and the TLS line a directory of certificates made by the
// test. Each container must then answer /readyz.
func TestReadmeRunCommands(t *testing.T) {
	imgs := images(t)
	cli := engineCLI(t)
	cmds := readmeCommands(t, "docker run ")
	require.Len(t, cmds, 4, "the local, S3, R2 and TLS lines:\n%s", strings.Join(cmds, "\n"))
	nw := NewNetwork(t)
	s3 := StartVersitygw(t, imgs.Versitygw, nw, "s3", "eu-west-1")
	r2 := StartVersitygw(t, imgs.Versitygw, nw, "r2", "auto")
	for _, cmd := range cmds {
		env := map[string]bool{}
		for _, m := range regexp.MustCompile(`-e ([A-Z0-9_]+)=`).FindAllStringSubmatch(cmd, -1) {
			env[m[1]] = true
		}
		t.Run(lineName(env), func(t *testing.T) {
			runReadmeLine(t, cli, cmd, imgs.Server, nw.Name, s3, r2)
		})
	}
}

// runReadmeLine runs one README `docker run` line and waits for /readyz.
func runReadmeLine(t *testing.T, cli, cmd, image, network string, s3, r2 *S3) {
	name := "turbocache-readme-" + randomName()
	port := freePort(t)
	values := map[string]string{
		"TURBO_TOKEN": testToken, "CLOUDFLARE_ACCOUNT_ID": "0123456789abcdef0123456789abcdef",
		"S3_ACCESS_KEY_ID": s3.AccessKeyID, "S3_SECRET_ACCESS_KEY": s3.SecretAccessKey,
		"R2_ACCESS_KEY_ID": r2.AccessKeyID, "R2_SECRET_ACCESS_KEY": r2.SecretAccessKey,
	}
	args := strings.Fields(cmd)[2:] // after "docker run"
	require.Equal(t, "turbocache", args[len(args)-1], "the image is the last argument: %s", cmd)
	var extra []string
	var pair *testcert.Pair
	for i := 0; i < len(args)-1; i++ {
		flag, arg := args[i], args[i+1]
		switch flag {
		case "--name":
			args[i+1] = name
		case "-p":
			require.True(t, strings.HasSuffix(arg, ":3000"), "-p %s publishes the image's port", arg)
			args[i+1] = "127.0.0.1:" + port + ":3000"
		case "-v":
			src, dst, _ := strings.Cut(arg, ":")
			switch {
			case dst == "/data":
				volume := name + "-data"
				args[i+1] = volume + ":/data"
				t.Cleanup(func() { _ = exec.Command(cli, "volume", "rm", "-f", volume).Run() })
			case strings.HasPrefix(src, "/"):
				dir := t.TempDir()
				require.NoError(t, os.Chmod(dir, 0o755))
				var err error
				pair, err = testcert.Write(dir, nil)
				require.NoError(t, err)
				require.NoError(t, os.Rename(pair.CertFile, filepath.Join(dir, "tls.crt")))
				require.NoError(t, os.Rename(pair.KeyFile, filepath.Join(dir, "tls.key")))
				args[i+1] = dir + ":" + dst
			default:
				t.Fatalf("-v %s: a mount the test does not know", arg)
			}
		case "-e":
			k, v, _ := strings.Cut(arg, "=")
			if strings.Contains(v, "…") {
				known, ok := values[k]
				require.True(t, ok, "no value for %s in: %s", k, cmd)
				args[i+1] = k + "=" + known
			}
			switch k {
			case "S3_BUCKET_NAME":
				createBucket(t, s3, v)
				extra = append(extra, "-e", "S3_ENDPOINT="+s3.NetworkEndpoint, "-e", "S3_FORCE_PATH_STYLE=true", "--network", network)
			case "R2_BUCKET_NAME":
				createBucket(t, r2, v)
				extra = append(extra, "-e", "R2_ENDPOINT="+r2.NetworkEndpoint, "--network", network)
			}
		}
	}
	args = append(append(args[:len(args)-1:len(args)-1], extra...), image)
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := exec.Command(cli, "logs", name).CombinedOutput()
			t.Logf("%s logs %s:\n%s", cli, name, out)
		}
		_ = exec.Command(cli, "rm", "-f", "-v", name).Run()
	})
	out, err := exec.Command(cli, append([]string{"run"}, args...)...).CombinedOutput()
	require.NoError(t, err, "%s run %s:\n%s", cli, strings.Join(args, " "), out)

	client, url := http.DefaultClient, "http://127.0.0.1:"+port
	if pair != nil {
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pair.Pool}}}
		url = "https://127.0.0.1:" + port
	}
	ready := func() bool {
		resp, err := client.Get(url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	require.Eventually(t, ready, 30*time.Second, 100*time.Millisecond, "%s /readyz", url)
}

func createBucket(t *testing.T, s3 *S3, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := s3.Client().CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &name})
	require.NoError(t, err, "create bucket %s", name)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	port, err := freeport.Get()
	require.NoError(t, err)
	return port
}

// lineName names a README line after the store or feature it shows.
func lineName(env map[string]bool) string {
	switch {
	case env["TLS_CERT_FILE"]:
		return "TLS"
	case env["S3_BUCKET_NAME"]:
		return "S3"
	case env["R2_BUCKET_NAME"]:
		return "R2"
	}
	return "local directory"
}

// TestReadmeBuildCommands runs the README's commands that build the image
// without a registry, in the repository's root, with the build context
// in a temporary directory instead of ./ctx and a tag of the test's own.
func TestReadmeBuildCommands(t *testing.T) {
	images(t)
	cli := engineCLI(t)
	var lines []string
	for _, prefix := range []string{"mkdir -p ctx", "cp /etc/ssl", "podman build --format docker --target prebuilt"} {
		cmds := readmeCommands(t, prefix)
		require.Len(t, cmds, 1, "the README's %q line", prefix)
		lines = append(lines, cmds[0])
	}
	ctx := filepath.Join(t.TempDir(), "ctx")
	tag := "localhost/turbocache-readme:" + randomName()
	script := strings.Join(lines, "\n")
	script = regexp.MustCompile(`\bctx\b`).ReplaceAllString(script, ctx)
	script = strings.Replace(script, "-t turbocache", "-t "+tag, 1)
	script = strings.Replace(script, "podman build", cli+" build", 1)
	t.Cleanup(func() { _ = exec.Command(cli, "rmi", "-f", tag).Run() })
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s\n%s", script, out)
	out, err = exec.Command(cli, "image", "inspect", "--format", "{{.Config.User}} {{.Config.Entrypoint}}", tag).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "65532:65532 [/turbocache]", strings.TrimSpace(string(out)))
}
