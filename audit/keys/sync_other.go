//go:build !linux

package keys

import "os"

func datasync(f *os.File) error { return f.Sync() }

// lockFile is a no-op here; see sync_linux.go.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
