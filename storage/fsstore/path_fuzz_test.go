package fsstore_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// secret is the content of the file beside the store's directory that no key
// may read or change.
const secret = "outside the root"

// snapshot lists every file and symbolic link below dir, with the content
// of files and the target of links.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case isCheckpoint(d.Name()):
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = "link:" + target
			return err
		case d.IsDir():
			out[rel+"/"] = ""
		default:
			b, err := os.ReadFile(p)
			out[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", dir, err)
	}
	return out
}

// FuzzKeyPath puts, reads, lists and deletes an artifact under any key, in
// a store whose directory holds symbolic links that point out of it, and
// checks that nothing outside the directory is created, changed or read,
// that invalid keys are refused before touching the disk, and that a valid
// key maps to the file of the same name below the root.
func FuzzKeyPath(f *testing.F) {
	for _, key := range []string{
		"team/0123456789abcdef", "a", "...", "a/.b/c..",
		"../sibling/secret", "..", "/etc/passwd", "a/../../sibling/secret",
		"up/secret", "up/x", "up", "abs/secret", "abs", "team/up/../secret",
		"a\\..\\b", "a\x00b", "a/./b", "a//b", "team/x~tmp", "C:/x", "~", "sibling/secret",
	} {
		f.Add(key, []byte("artifact"))
	}
	f.Fuzz(func(t *testing.T, key string, data []byte) {
		parent := t.TempDir()
		root := filepath.Join(parent, "root")
		sibling := filepath.Join(parent, "sibling")
		if err := os.MkdirAll(root, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(sibling, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sibling, "secret"), []byte(secret), 0o600); err != nil {
			t.Fatal(err)
		}
		// Links planted in the store's directory: one relative, one absolute.
		if err := os.Symlink(filepath.Join("..", "sibling"), filepath.Join(root, "up")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(sibling, filepath.Join(root, "abs")); err != nil {
			t.Fatal(err)
		}
		outside := snapshot(t, sibling)

		s, err := fsstore.Open(root, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		valid := storage.ValidKey(key) == nil

		putErr := s.Put(ctx, key, strings.NewReader(string(data)), int64(len(data)), storage.Metadata{Tag: "t"})
		if !valid && !errors.Is(putErr, storage.ErrInvalidKey) {
			t.Fatalf("Put(%q) of an invalid key: %v, want ErrInvalidKey", key, putErr)
		}
		rc, _, getErr := s.Get(ctx, key)
		if getErr == nil {
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("Get(%q): reading: %v", key, err)
			}
			if strings.Contains(string(got), secret) {
				t.Fatalf("Get(%q) read the file outside the root", key)
			}
			if putErr == nil && string(got) != string(data) {
				t.Fatalf("Get(%q) = %q, want %q", key, got, data)
			}
		}
		if putErr == nil {
			if getErr != nil {
				t.Fatalf("Get(%q) after a successful Put: %v", key, getErr)
			}
			fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(key)))
			if err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("Put(%q) succeeded but %s is not a regular file below the root: %v", key, key, err)
			}
		}
		_, _ = s.Stat(ctx, key)
		for obj, err := range s.List(ctx, key) {
			if err != nil {
				break
			}
			if storage.ValidKey(obj.Key) != nil || strings.HasPrefix(obj.Key, "up/") || strings.HasPrefix(obj.Key, "abs/") {
				t.Fatalf("List(%q) yielded %q", key, obj.Key)
			}
		}
		delErr := s.Delete(ctx, key)
		if !valid && !errors.Is(delErr, storage.ErrInvalidKey) {
			t.Fatalf("Delete(%q) of an invalid key: %v, want ErrInvalidKey", key, delErr)
		}

		if got := snapshot(t, sibling); len(got) != len(outside) || got["secret"] != secret {
			t.Fatalf("key %q changed the directory outside the root: %v", key, got)
		}
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("key %q created a file beside the root: %v", key, entries)
		}
		if !valid {
			if got := snapshot(t, root); len(got) != 3 { // ".", "up", "abs"
				t.Fatalf("invalid key %q created files below the root: %v", key, got)
			}
		}
	})
}
