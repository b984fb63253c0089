//go:build unix

package fsstore

import (
	"errors"
	"os"
	"path"
	"runtime"

	"golang.org/x/sys/unix"
)

// renameAcross renames key's file in from to key's file in to, through
// the two Stores' directories, so that no symbolic link leads outside
// either. It returns errNoRename when they are on different file systems.
func renameAcross(from, to *Store, key string) error {
	dir, base := path.Dir(key), path.Base(key)
	src, err := from.root.Open(dir)
	if err != nil {
		return notFound(err)
	}
	defer src.Close()
	dst, err := to.root.Open(dir)
	if err != nil {
		return err
	}
	defer dst.Close()
	err = unix.Renameat(int(src.Fd()), base, int(dst.Fd()), base)
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	if errors.Is(err, unix.EXDEV) {
		return errNoRename
	}
	if err != nil {
		return notFound(&os.LinkError{Op: "rename", Old: path.Join(from.Dir(), key), New: path.Join(to.Dir(), key), Err: err})
	}
	return nil
}
