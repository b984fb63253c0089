//go:build !linux

package fsstore

import "os"

// batchedSync reports whether Stores here sync in batches: not without
// syncfs(2), where every Put syncs its artifact (Options.SyncEachPut).
const batchedSync = false

func syncFS(*os.File) error { return nil }
