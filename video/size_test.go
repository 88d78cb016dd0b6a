package video

import (
	"errors"
	"image"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

func TestFitSize(t *testing.T) {
	hd := image.Pt(1280, 720)
	for _, c := range []struct {
		src, box, want image.Point
	}{
		{hd, image.Pt(320, 240), image.Pt(320, 180)},   // 4:3 tile: bars above and below
		{hd, image.Pt(640, 640), image.Pt(640, 360)},   // square tile
		{hd, image.Pt(400, 100), image.Pt(178, 100)},   // wide tile: bars left and right
		{hd, image.Pt(0, 0), hd},                       // no size asked: the stream's
		{hd, image.Pt(1920, 1080), hd},                 // never enlarged
		{hd, image.Pt(1920, 600), image.Pt(1067, 600)}, // larger one way only
		{hd, image.Pt(1, 1), image.Pt(1, 1)},           // never 0 pixels
		{image.Pt(640, 360), image.Pt(-5, 100), image.Pt(640, 360)},
	} {
		box := unpackSize(packSize(c.box.X, c.box.Y))
		if got := fitSize(c.src, box); got != c.want {
			t.Errorf("fitSize(%v, %v) = %v, want %v", c.src, c.box, got, c.want)
		}
	}
	if got := unpackSize(packSize(1<<40, 3)); got != image.Pt(maxSide, 3) {
		t.Errorf("a huge size packs as %v, want it clamped to %d", got, maxSide)
	}
}

// TestSimSizes: the simulator's 1280x720 main stream, decoded once, goes
// at once to a subscriber at full size (the ANPR reader), one asking for
// 320x240 (a tile: 320x180, the aspect kept) and one asking for 640x640;
// a size changed mid-stream applies from the next picture.
func TestSimSizes(t *testing.T) {
	z := startSim(t, 1, false)
	cam := z.Cameras()[0]
	cfg := SourceConfig{ID: cam.ID, URL: cam.MainURL, Logger: testLogger(t)}
	fastRetry(&cfg)
	s := NewSource(cfg)
	full := s.Subscribe()
	defer full.Close()
	tile := s.SubscribeSize(320, 240)
	defer tile.Close()
	big := s.Subscribe()
	big.SetSize(640, 640)
	defer big.Close()
	runSource(t, s)

	check := func(name string, fs []frameInfo, want image.Point) {
		t.Helper()
		for i, f := range fs {
			if f.bounds != (image.Rectangle{Max: want}) {
				t.Fatalf("%s: frame %d is %v, want %v", name, i, f.bounds, want)
			}
			if f.img != nil && !notBlank(f.img) {
				t.Errorf("%s: frame %d is blank", name, i)
			}
		}
	}
	before := s.Status().Frames
	fulls := collect(t, full, 10, 15*time.Second, false)
	check("full", fulls, image.Pt(1280, 720))
	bigs := collect(t, big, 5, 5*time.Second, true)
	check("640x640", bigs, image.Pt(640, 360))
	// The sim stamps every picture (cells of 12x9 px at 360p): still
	// readable after the shrink, so the scaled frame is the whole picture.
	checkStamps(t, bigs)
	check("320x240", collect(t, tile, 5, 5*time.Second, true), image.Pt(320, 180))
	// Decoding stays once per picture: three sizes, one decode each.
	if dec, got := s.Status().Frames-before, uint64(len(fulls)); dec > got+20 {
		t.Errorf("%d pictures decoded while the full-size subscriber got %d: decoded per size?", dec, got)
	}

	tile.SetSize(160, 160)
	deadline := time.Now().Add(5 * time.Second)
	for {
		f := collect(t, tile, 1, 5*time.Second, false)[0]
		if f.bounds.Size() == image.Pt(160, 90) {
			break
		}
		if f.bounds.Size() != image.Pt(320, 180) || time.Now().After(deadline) {
			t.Fatalf("after SetSize(160, 160): frame %v, want 320x180 then 160x90", f.bounds)
		}
	}
	check("160x160", collect(t, tile, 3, 5*time.Second, false), image.Pt(160, 90))
	check("full after the change", collect(t, full, 3, 5*time.Second, false), image.Pt(1280, 720))
	if w, h := tile.Size(); w != 160 || h != 160 {
		t.Errorf("Size() = %d, %d after SetSize(160, 160)", w, h)
	}

	// A subscriber joining the warm Source is greeted with a picture of its
	// size when one was made.
	late := s.SubscribeSize(640, 640)
	defer late.Close()
	select {
	case <-late.Ready():
		f := late.Latest()
		if f.Image.Rect.Size() != image.Pt(640, 360) {
			t.Errorf("late 640x640 subscriber greeted with %v", f.Image.Rect)
		}
		f.Release()
	case <-time.After(time.Second):
		t.Error("late subscriber got no frame within 1 s")
	}
}

// deliverFixture decodes a 1280x720 clip with a Source that has tiles of
// two sizes and one full-size subscriber, as the camera's goroutine does.
type deliverFixture struct {
	s    *Source
	dec  *Decoder
	aus  [][][]byte
	subs []*Subscription
	out  delivery
	i    int
}

func newDeliverFixture(t testing.TB) *deliverFixture {
	x := &deliverFixture{aus: encodeAUs(t, CodecH264, "1280x720", 30)}
	x.s = NewSource(SourceConfig{ID: "cam", URL: "rtsp://127.0.0.1:1/x", Logger: testLogger(t)})
	dec, err := NewDecoder(CodecH264)
	if err != nil {
		t.Fatal(err)
	}
	x.dec = dec
	t.Cleanup(func() { dec.Close() })
	x.subs = []*Subscription{x.s.SubscribeSize(320, 240), x.s.SubscribeSize(640, 360), x.s.Subscribe()}
	t.Cleanup(func() {
		for _, sub := range x.subs {
			sub.Close()
		}
	})
	return x
}

// step decodes the next access unit, delivers it and has every subscriber
// take and release its frame.
func (x *deliverFixture) step(t testing.TB) {
	au := x.aus[x.i%len(x.aus)]
	x.i++
	pic, err := x.dec.decodeHeld(au)
	if errors.Is(err, ErrNoFrame) {
		return
	}
	if err != nil {
		t.Fatalf("decodeHeld: %v", err)
	}
	if err := x.s.deliver(x.dec, &x.out, pic, uint64(x.i), time.Time{}); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	for _, sub := range x.subs {
		sub.Latest().Release()
	}
}

// TestDeliverNoAllocs: once the pools have their frames, decoding and
// delivering three sizes allocates nothing per picture, and no frame is made.
func TestDeliverNoAllocs(t *testing.T) {
	x := newDeliverFixture(t)
	for range 2 * len(x.aus) {
		x.step(t)
	}
	made := x.s.frames.allocated.Load()
	allocs := testing.AllocsPerRun(2*len(x.aus), func() { x.step(t) })
	if allocs != 0 {
		t.Errorf("decode and deliver at three sizes allocate %.1f times per picture, want 0", allocs)
	}
	if n := x.s.frames.allocated.Load() - made; n != 0 {
		t.Errorf("the frame pools made %d frames in steady state, want 0", n)
	}
	want := []image.Point{{320, 180}, {640, 360}, {1280, 720}}
	x.step(t)
	x.step(t)
	// The last delivery's frames, one per size, are the Source's greeting.
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.lasts) != len(want) {
		t.Fatalf("%d sizes delivered, want %d", len(x.s.lasts), len(want))
	}
	for i, f := range x.s.lasts {
		if f.Image.Rect.Size() != want[i] || !notBlank(f.Image) {
			t.Errorf("size %d: frame %v (blank %v), want %v", i, f.Image.Rect, !notBlank(f.Image), want[i])
		}
	}
}

// BenchmarkTileConversion is the CPU per frame of bringing a decoded 720p
// picture to a 320x180 tile: converted at full size then shrunk in Go (what
// the wall did, less the GPU's share), against one sws_scale pass that
// converts and shrinks together. The decode is done once, outside the loop.
func BenchmarkTileConversion(b *testing.B) {
	aus := encodeAUs(b, CodecH264, "1280x720", 1)
	dec, err := NewDecoder(CodecH264)
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	if _, err := dec.decodeHeld(aus[0]); err != nil {
		b.Fatalf("decodeHeld: %v", err)
	}
	fullImg := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	tileImg := image.NewRGBA(image.Rect(0, 0, 320, 180))
	run := func(name string, frame func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				frame()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/frame")
		})
	}
	convert := func(dst *image.RGBA) {
		if err := dec.convertHeld(dst); err != nil {
			b.Fatal(err)
		}
	}
	run("full-size", func() { convert(fullImg) })
	run("full-size+go-approxbilinear", func() {
		convert(fullImg)
		draw.ApproxBiLinear.Scale(tileImg, tileImg.Rect, fullImg, fullImg.Rect, draw.Src, nil)
	})
	run("full-size+go-bilinear", func() {
		convert(fullImg)
		draw.BiLinear.Scale(tileImg, tileImg.Rect, fullImg, fullImg.Rect, draw.Src, nil)
	})
	run("sws-one-pass", func() { convert(tileImg) })
}

// TestSimSizesOnSubStream keeps the sizes honest on a stream already
// smaller than the box: the sub stream is never enlarged.
func TestSimSizesOnSubStream(t *testing.T) {
	z := startSim(t, 1, false)
	s := simSource(t, z.Cameras()[0], "tcp")
	sub := s.SubscribeSize(1920, 1080)
	defer sub.Close()
	runSource(t, s)
	for i, f := range collect(t, sub, 3, 15*time.Second, false) {
		if f.bounds.Size() != image.Pt(640, 360) {
			t.Errorf("frame %d is %v, want the sub stream's 640x360", i, f.bounds)
		}
	}
}
