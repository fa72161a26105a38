package exporter

import (
	"io"
	"sync"
)

// An export is written by one goroutine and stored, a chunk at a time, by
// another. io.Pipe would make them take turns: the writer waits while each
// chunk is committed, and the reader while rows are formatted. This pipe has
// room for a few chunks, so that on two cores the database reads rows and
// stores the file at once, and memory stays bounded (pipeChunks of
// pipeChunkSize, allocated as needed).
const (
	pipeChunkSize = 256 << 10
	pipeChunks    = 8
)

type chunkPipe struct {
	full  chan []byte   // written chunks, in order; closed by the writer
	free  chan []byte   // chunks the reader is done with
	done  chan struct{} // closed by the reader: writes fail
	once  sync.Once
	made  int    // chunks allocated (writer's side)
	cur   []byte // the writer's chunk being filled
	rd    []byte // what is left of the reader's chunk
	rbuf  []byte // the reader's chunk, to give back
	werr  error  // why the writer closed; set before full closes
	rerr  error  // why the reader closed; set before done closes
	wdone bool
}

func newChunkPipe() *chunkPipe {
	return &chunkPipe{full: make(chan []byte, pipeChunks), free: make(chan []byte, pipeChunks), done: make(chan struct{})}
}

// Write copies p into chunks, handing each on when it is full.
func (p *chunkPipe) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		if p.cur == nil {
			if err := p.nextChunk(); err != nil {
				return n, err
			}
		}
		c := copy(p.cur[len(p.cur):cap(p.cur)], b)
		p.cur = p.cur[:len(p.cur)+c]
		b, n = b[c:], n+c
		if len(p.cur) == cap(p.cur) {
			if err := p.send(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (p *chunkPipe) nextChunk() error {
	select {
	case c := <-p.free:
		p.cur = c[:0]
		return nil
	default:
	}
	if p.made < pipeChunks {
		p.made++
		p.cur = make([]byte, 0, pipeChunkSize)
		return nil
	}
	select {
	case c := <-p.free:
		p.cur = c[:0]
		return nil
	case <-p.done:
		return p.readerErr()
	}
}

func (p *chunkPipe) send() error {
	select {
	case p.full <- p.cur:
		p.cur = nil
		return nil
	case <-p.done:
		return p.readerErr()
	}
}

func (p *chunkPipe) readerErr() error {
	if p.rerr != nil {
		return p.rerr
	}
	return io.ErrClosedPipe
}

// CloseWrite ends the writing: with nil the reader reads what is left and
// then io.EOF, otherwise it gets err.
func (p *chunkPipe) CloseWrite(err error) {
	if p.wdone {
		return
	}
	p.wdone = true
	if err == nil && len(p.cur) > 0 {
		err = p.send()
	}
	p.werr = err
	close(p.full)
}

// Read reads what the writer handed on, in order.
func (p *chunkPipe) Read(b []byte) (int, error) {
	if len(p.rd) == 0 {
		if p.rbuf != nil {
			select {
			case p.free <- p.rbuf:
			default:
			}
			p.rbuf = nil
		}
		c, ok := <-p.full
		if !ok {
			if p.werr != nil {
				return 0, p.werr
			}
			return 0, io.EOF
		}
		p.rd, p.rbuf = c, c
	}
	n := copy(b, p.rd)
	p.rd = p.rd[n:]
	return n, nil
}

// CloseRead stops the reading: the writer's next write fails with err (or
// io.ErrClosedPipe).
func (p *chunkPipe) CloseRead(err error) {
	p.once.Do(func() {
		p.rerr = err
		close(p.done)
	})
}
