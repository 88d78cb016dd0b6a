//go:build bench

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/sim"
)

// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100
// on every Linux ABI Go runs on (the kernel converts from its own HZ).
const clockTick = 100

// cpuSeconds is the user plus system CPU a process has used so far, all
// its threads together.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu of pid %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces and parentheses: the
	// fields that follow start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("cpu of pid %d: unexpected /proc stat %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("cpu of pid %d: short /proc stat %q", pid, s)
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cpu of pid %d: utime/stime %q %q", pid, f[11], f[12])
	}
	return float64(ut+st) / clockTick, nil
}

// machineBusy is the CPU all processes of the machine have used so far,
// in seconds (/proc/stat's first line: everything but idle and iowait).
// Over a window it tells whether the console had the cores to itself or
// competed for them (the simulator, Xvfb, whatever else runs).
func machineBusy() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("machine cpu: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, fmt.Errorf("machine cpu: unexpected /proc/stat line %q", line)
	}
	var busy uint64
	for i, v := range f[1:8] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("machine cpu: %q: %w", v, err)
		}
		busy += n
	}
	return float64(busy) / clockTick, nil
}

// xServer is the pid of the Xvfb serving DISPLAY, or 0: the window's
// pictures end up there (PutImage of the software renderer's frames), a
// cost outside the console process that the figures should show beside it.
func xServer() int {
	display := os.Getenv("DISPLAY")
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		if len(args) > 1 && filepath.Base(args[0]) == "Xvfb" && args[1] == display {
			return pid
		}
	}
	return 0
}

// cpuOf sums cpuSeconds over pids.
func cpuOf(pids []int) (float64, error) {
	var sum float64
	for _, p := range pids {
		s, err := cpuSeconds(p)
		if err != nil {
			return 0, err
		}
		sum += s
	}
	return sum, nil
}

// cores is the CPU pids use over window, in cores, after warmup.
func cores(ctx context.Context, pids []int, warmup, window time.Duration) (float64, error) {
	if err := sleep(ctx, warmup); err != nil {
		return 0, err
	}
	c0, err := cpuOf(pids)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	if err := sleep(ctx, window); err != nil {
		return 0, err
	}
	c1, err := cpuOf(pids)
	if err != nil {
		return 0, err
	}
	return (c1 - c0) / time.Since(t0).Seconds(), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ffmpegPeer decodes and scales each URL to its size with ffmpeg, all at
// the same time, and gives the CPU of the ffmpeg processes together over
// window after warmup: what the same work costs the reference tool.
func ffmpegPeer(ctx context.Context, urls []string, sizes []image.Point, warmup, window time.Duration) (float64, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var cmds []*exec.Cmd
	var pids []int
	defer func() {
		cancel()
		for _, c := range cmds {
			c.Wait()
		}
	}()
	var example string
	for i, u := range urls {
		// fatal: the null muxer logs every repeated timestamp of the
		// simulator's streams as an error, which says nothing here.
		args := []string{"-nostdin", "-loglevel", "fatal", "-rtsp_transport", "tcp", "-i", u,
			"-vf", fmt.Sprintf("scale=%d:%d", sizes[i].X, sizes[i].Y), "-f", "null", "-"}
		if i == 0 {
			example = "ffmpeg " + strings.Join(args, " ")
		}
		c := exec.CommandContext(ctx, "ffmpeg", args...)
		c.Stderr = os.Stderr
		if err := c.Start(); err != nil {
			return 0, example, fmt.Errorf("starting ffmpeg on %s: %w", u, err)
		}
		cmds = append(cmds, c)
		pids = append(pids, c.Process.Pid)
	}
	cpu, err := cores(ctx, pids, warmup, window)
	if err != nil {
		return 0, example, fmt.Errorf("ffmpeg peer: %w", err)
	}
	return cpu, example, nil
}

// pictureRect is where a tile shows a frame of a stream of size stream:
// the video package fits the stream into the tile's pixels, aspect kept,
// and the tile centres it (ui/wall picture.go).
func pictureRect(tile rect, stream image.Point) image.Rectangle {
	fit := fitPixels(stream, image.Pt(tile.W, tile.H))
	x := tile.X + (tile.W-fit.X)/2
	y := tile.Y + (tile.H-fit.Y)/2
	return image.Rect(x, y, x+fit.X, y+fit.Y)
}

// fitPixels is frame scaled to fill box with its aspect kept, rounded as
// ui/wall's fitPixels does (unexported there).
func fitPixels(frame, box image.Point) image.Point {
	if frame.X <= 0 || frame.Y <= 0 || box.X <= 0 || box.Y <= 0 {
		return image.Point{}
	}
	if box.X*frame.Y <= box.Y*frame.X {
		return image.Pt(box.X, max(1, (box.X*frame.Y+frame.X/2)/frame.X))
	}
	return image.Pt(max(1, (box.Y*frame.X+frame.Y/2)/frame.Y), box.Y)
}

// latency grabs the top band of pic (where the simulator's stamp is) from
// the X display n times, rate a second, with ffmpeg's x11grab writing raw
// grey frames to a pipe, and reads the stamp from each. Glass-to-glass is
// the time of the grab minus the time the simulator rendered the frame
// (both this machine's wall clock). The time of the grab is the packet's
// wall-clock timestamp (-use_wallclock_as_timestamps, taken as x11grab
// hands the grabbed picture over), printed by the showinfo filter: not the
// time the frame comes out of the pipe, because ffmpeg holds the first
// frames while it probes the input and writes them in a burst. The band
// is put at the top of an otherwise blank picture of pic's size, so
// sim.ReadStamp sees the geometry it expects. It returns the latencies of
// the grabs whose stamp could be read, and how many grabs there were.
func latency(ctx context.Context, pic image.Rectangle, n int, rate int) ([]time.Duration, int, error) {
	w, h := pic.Dx(), pic.Dy()
	if w < 104 || h < 40 {
		return nil, 0, fmt.Errorf("picture %v too small for the stamp", pic)
	}
	// The stamp's two rows are 1/40 of the height each; a few rows more
	// cover a picture placed a pixel lower than computed.
	band := min(h, 2*(h/40+1)+4)
	display := os.Getenv("DISPLAY")
	ctx, cancel := context.WithTimeout(ctx, time.Duration(n/rate+20)*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "info",
		"-use_wallclock_as_timestamps", "1", "-f", "x11grab", "-draw_mouse", "0",
		"-framerate", strconv.Itoa(rate), "-video_size", fmt.Sprintf("%dx%d", w, band),
		"-i", fmt.Sprintf("%s+%d,%d", display, pic.Min.X, pic.Min.Y),
		"-frames:v", strconv.Itoa(n), "-copyts", "-fps_mode", "passthrough", "-vf", "showinfo",
		"-pix_fmt", "gray", "-f", "rawvideo", "-")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	errOut, err := cmd.StderrPipe()
	if err != nil {
		return nil, 0, err
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("starting ffmpeg x11grab: %w", err)
	}
	// showinfo's lines, in frame order: "... n:   0 pts:1764692734550000 ...".
	pts := make(chan int64, n+16)
	var tail []string // ffmpeg's other lines, for an error
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(errOut)
		for sc.Scan() {
			line := sc.Text()
			if m := showinfoPTS.FindStringSubmatch(line); m != nil {
				if v, err := strconv.ParseInt(m[1], 10, 64); err == nil {
					pts <- v
				}
				continue
			}
			if len(tail) < 20 {
				tail = append(tail, line)
			}
		}
	}()
	img := image.NewGray(image.Rect(0, 0, w, h))
	buf := make([]byte, w*band)
	var lat []time.Duration
	grabs := 0
	for grabs < n {
		if _, err := io.ReadFull(out, buf); err != nil {
			break
		}
		var at time.Time
		select {
		case us := <-pts:
			at = time.UnixMicro(us)
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			return lat, grabs, errors.New("ffmpeg x11grab wrote a frame without its showinfo line")
		}
		grabs++
		copy(img.Pix, buf)
		if st, ok := sim.ReadStamp(img); ok {
			lat = append(lat, at.Sub(st.Captured))
			if os.Getenv("BENCHWALL_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "grab %d at %s: seq %d captured %s, %s\n", grabs, at.Format("15:04:05.000"), st.Seq, st.Captured.Format("15:04:05.000"), at.Sub(st.Captured))
			}
		}
	}
	werr := cmd.Wait()
	<-logDone
	if werr != nil && grabs < n {
		return lat, grabs, fmt.Errorf("ffmpeg x11grab after %d grabs: %w: %s", grabs, werr, strings.Join(tail, " | "))
	}
	return lat, grabs, nil
}

var showinfoPTS = regexp.MustCompile(`Parsed_showinfo.* n: *\d+ pts: *(\d+)`)

// percentile of sorted ds, nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.999999) - 1
	return s[max(0, min(len(s)-1, i))]
}
