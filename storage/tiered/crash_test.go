package tiered_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/syncbuf"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// envChild names the directory a re-executed test binary works in, as the
// process TestKilledDuringWriteBack kills.
const envChild = "TIERED_TEST_CRASH_DIR"

// crashKeys are the artifacts the child stores before it is killed.
var crashKeys = []string{"team/a", "team/b", "team/c", "other/d"}

func crashBody(key string) []byte {
	return bytes.Repeat([]byte(key+"-"), (1<<20)/len(key))
}

// TestKilledDuringWriteBack kills, with SIGKILL, a process whose uploads are
// queued, one of them half sent to the remote, while a Put is half written.
// A new Store on the same directories uploads every artifact whose Put
// returned, and the interrupted Put left nothing anywhere.
func TestKilledDuringWriteBack(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+dir)
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var queued []string
	timeout := time.After(60 * time.Second)
wait:
	for {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "the child ended early: %s", stderr.String())
			if key, ok := strings.CutPrefix(line, "queued "); ok {
				queued = append(queued, key)
			}
			if line == "writing" {
				break wait
			}
		case <-timeout:
			t.Fatalf("the child never got mid-Put: %s", stderr.String())
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	err = cmd.Wait()
	require.Error(t, err, "killed")
	require.Equal(t, crashKeys, queued)

	ctx := context.Background()
	remote, err := fsstore.Open(filepath.Join(dir, "remote"), nil) // removes the half-sent upload
	require.NoError(t, err)
	defer remote.Close()
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), nil)
	require.NoError(t, err)
	defer local.Close()
	s := openTier(t, local, remote, filepath.Join(dir, "uploads"), fast)
	drain(t, s)
	for _, key := range crashKeys {
		rc, info, err := remote.Get(ctx, key)
		require.NoError(t, err, "%s was queued before the kill: uploaded after the restart", key)
		got, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.Equal(t, crashBody(key), got)
		require.Equal(t, md, info.Metadata)
	}
	for _, st := range []storage.Store{s, remote, local} {
		_, err := st.Stat(ctx, "team/interrupted")
		require.ErrorIs(t, err, storage.ErrNotFound, "the Put interrupted by the kill, in %T", st)
	}
	for _, d := range []string{"remote", "artifacts", "uploads"} {
		filepath.WalkDir(filepath.Join(dir, d), func(path string, e os.DirEntry, err error) error {
			require.NoError(t, err)
			require.NotContains(t, e.Name(), "~", "a temporary file left in %s", d)
			return nil
		})
	}
}

// childMain is the process TestKilledDuringWriteBack kills: a tier over an
// fsstore "remote" whose uploads stop halfway.
func childMain() int {
	dir := os.Getenv(envChild)
	fail := func(err error) int { fmt.Fprintln(os.Stderr, err); return 1 }
	remoteDir, err := fsstore.Open(filepath.Join(dir, "remote"), nil)
	if err != nil {
		return fail(err)
	}
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), nil)
	if err != nil {
		return fail(err)
	}
	s, err := tiered.New(local, halfway{remoteDir}, &tiered.Options{QueueDir: filepath.Join(dir, "uploads"), Uploads: 1})
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	for _, key := range crashKeys {
		body := crashBody(key)
		if err := s.Put(ctx, key, bytes.NewReader(body), int64(len(body)), md); err != nil {
			return fail(err)
		}
		fmt.Println("queued", key)
	}
	r := &stalling{r: bytes.NewReader(bytes.Repeat([]byte("i"), 4<<20)), after: 2 << 20}
	return fail(s.Put(ctx, "team/interrupted", r, 4<<20, md))
}

// halfway is a remote whose uploads send half of the artifact, then hang.
type halfway struct{ storage.Store }

func (h halfway) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return h.Store.Put(ctx, key, &stalling{r: r, after: size / 2, quiet: true}, size, md)
}

// stalling yields the first bytes of r, then says so (unless quiet) and
// blocks for good.
type stalling struct {
	r     io.Reader
	after int64
	quiet bool
}

func (s *stalling) Read(p []byte) (int, error) {
	if s.after <= 0 {
		if !s.quiet {
			fmt.Println("writing")
		}
		select {}
	}
	p = p[:min(int64(len(p)), s.after)]
	n, err := s.r.Read(p)
	s.after -= int64(n)
	return n, err
}
