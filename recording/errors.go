package recording

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

var (
	// ErrCodecRefused is returned for a stream the recorder does not store
	// (MJPEG): fMP4 with MJPEG plays in too few players to be evidence.
	ErrCodecRefused = errors.New("codec not recorded (only H.264 and H.265 are)")
	// ErrDiskFull is returned when a write found no space (ENOSPC, or EFBIG
	// under a file-size limit). What was written before stays valid.
	ErrDiskFull = errors.New("disk full")
	// ErrOnlyHeldLeft is returned by Clean when the quota or the free-space
	// floor is exceeded and every remaining segment is under a hold: held
	// footage is never deleted, so recording must stop with an alarm.
	ErrOnlyHeldLeft = errors.New("only held footage left: recording stopped")
	// ErrNoStream tells that no access unit came for a while.
	ErrNoStream = errors.New("no stream")
	// ErrClosed is returned by a Service after Close.
	ErrClosed = errors.New("recording service closed")
)

// isNoSpace tells whether err is a write that found the disk (or the
// process's file-size limit) full.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) || errors.Is(err, syscall.EDQUOT)
}

// Reason says why a camera is not recording.
type Reason int

// Reasons for Status.
const (
	ReasonRecording    Reason = iota // recording: no reason
	ReasonOff                        // not set to record by configuration
	ReasonCodecRefused               // the stream's codec is not recorded (MJPEG)
	ReasonDiskFull                   // the last write found no space
	ReasonOnlyHeldLeft               // over quota with only held footage left
	ReasonNoStream                   // no access units arrive (camera lost, or not started)
	ReasonError                      // another error; see Status.Err
)

func (r Reason) String() string {
	switch r {
	case ReasonRecording:
		return "recording"
	case ReasonOff:
		return "off"
	case ReasonCodecRefused:
		return "codec refused"
	case ReasonDiskFull:
		return "disk full"
	case ReasonOnlyHeldLeft:
		return "only held footage left"
	case ReasonNoStream:
		return "no stream"
	case ReasonError:
		return "error"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Status is whether a camera is recording, and why not.
type Status struct {
	Recording bool
	Reason    Reason
	Err       error     // the error behind Reason, nil while recording
	Since     time.Time // when Reason was entered
	Segment   string    // path of the open segment, relative to the recordings directory
}
