package kvstore_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// Open a store on a namespace and round-trip an artifact. Here the API is a
// kvtest server; in production leave BaseURL empty.
func Example() {
	srv, err := kvtest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	s, err := kvstore.Open(kvstore.Config{
		AccountID:   srv.AccountID,
		NamespaceID: srv.NamespaceID,
		APIToken:    srv.Token,
		BaseURL:     srv.URL,
		TTL:         7 * 24 * time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = s.Put(ctx, "team_1/0a1b2c", strings.NewReader("artifact bytes"), 14, storage.Metadata{Duration: 1500 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	rc, info, err := s.Get(ctx, "team_1/0a1b2c")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	fmt.Printf("%s (%d bytes, task took %s)\n", b, info.Size, info.Duration)
	// Output: artifact bytes (14 bytes, task took 1.5s)
}
