package keys

import (
	"os"
	"syscall"
)

// datasync flushes a file's data. The head file never changes size, so
// fdatasync skips the inode's timestamps and the journal commit they cost.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }

// lockFile takes an exclusive lock on the head file for the life of the
// Log: two writers on one store would fork the chain.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
