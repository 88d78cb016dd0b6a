//go:build ignore

// gen writes alert.wav, the hit alert: three short two-tone beeps (880 and
// 1320 Hz), 16-bit mono PCM at 22050 Hz, with soft edges so it does not
// click. Run: go run gen.go
package main

import (
	"bytes"
	"encoding/binary"
	"log"
	"math"
	"os"
)

func main() {
	const rate = 22050
	var pcm []int16
	tone := func(freq float64, dur, gap float64) {
		n := int(dur * rate)
		fade := rate / 100
		for i := 0; i < n; i++ {
			a := 0.45
			if i < fade {
				a *= float64(i) / float64(fade)
			} else if n-i < fade {
				a *= float64(n-i) / float64(fade)
			}
			pcm = append(pcm, int16(a*32767*math.Sin(2*math.Pi*freq*float64(i)/rate)))
		}
		pcm = append(pcm, make([]int16, int(gap*rate))...)
	}
	for k := 0; k < 3; k++ {
		tone(880, 0.12, 0.02)
		tone(1320, 0.12, 0.10)
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	data := len(pcm) * 2
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+data))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(16))
	binary.Write(&b, le, uint16(1)) // PCM
	binary.Write(&b, le, uint16(1)) // mono
	binary.Write(&b, le, uint32(rate))
	binary.Write(&b, le, uint32(rate*2))
	binary.Write(&b, le, uint16(2))
	binary.Write(&b, le, uint16(16))
	b.WriteString("data")
	binary.Write(&b, le, uint32(data))
	binary.Write(&b, le, pcm)
	if err := os.WriteFile("alert.wav", b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
