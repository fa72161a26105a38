package exporter

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// The pipe hands on every byte in order, whatever the sizes of the writes
// and reads, and ends with io.EOF.
func TestChunkPipeKeepsEveryByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := make([]byte, 5*pipeChunkSize*pipeChunks/2+123)
	for i := range want {
		want[i] = byte(rng.IntN(256))
	}
	p := newChunkPipe()
	got := make(chan []byte)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 1000)
		for {
			n, err := p.Read(buf[:1+rng.IntN(len(buf)-1)])
			b.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Error(err)
				break
			}
		}
		got <- b.Bytes()
	}()
	for rest := want; len(rest) > 0; {
		n := min(len(rest), 1+rand.IntN(70000))
		if _, err := p.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	p.CloseWrite(nil)
	if g := <-got; !bytes.Equal(g, want) {
		t.Errorf("read %d bytes, wrote %d; equal %v", len(g), len(want), bytes.Equal(g, want))
	}
}

// A writer's error reaches the reader, and a reader that stops makes the
// writer fail instead of blocking for ever.
func TestChunkPipeErrors(t *testing.T) {
	p := newChunkPipe()
	boom := errors.New("boom")
	p.Write([]byte("abc"))
	p.CloseWrite(boom)
	if b, err := io.ReadAll(p); err != boom || len(b) != 0 {
		t.Errorf("read %q, %v; want nothing and the writer's error", b, err)
	}

	p = newChunkPipe()
	stop := errors.New("store failed")
	p.CloseRead(stop)
	big := make([]byte, pipeChunkSize)
	var err error
	for i := 0; i < 2*pipeChunks && err == nil; i++ {
		_, err = p.Write(big)
	}
	if err != stop {
		t.Errorf("write after the reader stopped: %v, want %v", err, stop)
	}
}
