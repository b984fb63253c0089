// Package tmpfs mounts small file systems for tests that need a disk to
// fill up. Mounting needs root: CI runs as root, and there
// (TURBOCACHE_REQUIRE_SERVERS=1) a mount that fails fails the test; other
// runs skip it, saying why.
package tmpfs

import (
	"os"
	"os/exec"
	"testing"
)

// Mount mounts a tmpfs of size (as mount(8) takes it: "16m") on a new
// temporary directory, unmounted when the test ends, and returns the
// directory.
func Mount(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("TURBOCACHE_REQUIRE_SERVERS") == "1" {
			t.Fatalf("mounting a tmpfs of %s: %v: %s", size, err, out)
		}
		t.Skipf("mounting a tmpfs needs root: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}
