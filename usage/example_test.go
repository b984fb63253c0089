package usage_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/usage"
)

// Example counts an upload, a hit and turbo's report of it, writes the
// records to the store, and reads them back.
func Example() {
	ctx := context.Background()
	store := memstore.New(nil)
	rec := usage.New(store, &usage.Options{Replica: "replica-1"})
	cache := rec.Store(store) // give this one to httpapi.New and nxapi.New

	body := []byte("artifact")
	_ = cache.Put(ctx, "web/0123abcd", bytes.NewReader(body), int64(len(body)), storage.Metadata{Duration: 2 * time.Second})
	if rc, _, err := cache.Get(ctx, "web/0123abcd"); err == nil {
		rc.Close()
	}
	_, _, _ = cache.Get(ctx, "web/ffff0000") // a miss
	// httpapi.Options.OnEvents: turbo reports the hit after its run.
	rec.Events(ctx, "web", []httpapi.Event{{Source: "REMOTE", Event: "HIT", Hash: "0123abcd", Duration: 2000}})

	if err := rec.Flush(ctx); err != nil { // Run does it every minute; call it at shutdown
		fmt.Println(err)
	}
	rep, err := rec.Read(ctx, 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	web := rep.Teams[0]
	fmt.Printf("%s: %d hit, %d miss, %.0f%% hit rate, %dms saved, %d upload\n",
		web.Team, web.Total.Hits, web.Total.Misses, 100*web.Total.HitRate(), web.Total.SavedMillis, web.Total.Uploads)
	// Output:
	// web: 1 hit, 1 miss, 50% hit rate, 2000ms saved, 1 upload
}
