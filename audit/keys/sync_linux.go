package keys

import (
	"os"
	"syscall"
)

// datasync flushes a file's data. The head file never changes size, so
// fdatasync skips the inode's timestamps and the journal commit they cost.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }

// lockFile waits for the exclusive lock on the head file: every process
// appending to one store (the console, serve, the CLI) takes it around
// each commit, so they append one after the other to one chain.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
