package tiered_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// A Put lands on the local disk and is uploaded in the background; a Get
// of an artifact only the remote has fills the local store, and the next
// Get is answered by the local file without asking the remote.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "tier")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	remote := memstore.New(nil) // in production: s3store, r2store or kvstore
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), nil)
	if err != nil {
		panic(err)
	}
	defer local.Close()
	s, err := tiered.New(local, remote, &tiered.Options{QueueDir: filepath.Join(dir, "uploads")})
	if err != nil {
		panic(err)
	}

	body := "artifact bytes"
	if err := s.Put(ctx, "web/c0ffee", strings.NewReader(body), int64(len(body)), storage.Metadata{}); err != nil {
		panic(err)
	}
	if err := remote.Put(ctx, "web/beef", strings.NewReader(body), int64(len(body)), storage.Metadata{}); err != nil {
		panic(err)
	}
	for range 2 {
		rc, _, err := s.Get(ctx, "web/beef")
		if err != nil {
			panic(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		_, file := rc.(*os.File)
		fmt.Printf("%q from a local file: %v\n", got, file)
	}
	if err := s.Shutdown(ctx); err != nil { // waits for the upload
		panic(err)
	}
	_, err = remote.Stat(ctx, "web/c0ffee")
	fmt.Println("uploaded:", err == nil)
	fmt.Printf("%+v\n", s.Stats())
	// Output:
	// "artifact bytes" from a local file: false
	// "artifact bytes" from a local file: true
	// uploaded: true
	// {LocalHits:1 QueueHits:0 RemoteGets:1 Fills:1 FillFailures:0 Uploads:1 UploadFailures:0 Queued:0 QueuedBytes:0}
}
