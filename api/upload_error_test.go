package api

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/contactd/contactd"
)

// A broken or stalled upload is answered with what happened and what to do,
// never with the network's own message, which names the server's sockets.
func TestUploadErrorHidesSockets(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 8080}
	peer := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 51234}
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"stalled", &net.OpError{Op: "read", Net: "tcp", Source: addr, Addr: peer, Err: os.ErrDeadlineExceeded}, contactd.ETimeout},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Source: addr, Addr: peer, Err: syscall.ECONNRESET}, contactd.EBadRequest},
		{"cut short", io.ErrUnexpectedEOF, contactd.EBadRequest},
	}
	// The server's disk failing is no fault of the client's: it stays an
	// internal error (logged with the request id, answered 500).
	disk := uploadError(spoolError{errors.New("write /tmp/contactd-upload-1: no space left on device")}, 1<<20)
	if errors.As(disk, new(*contactd.Error)) {
		t.Errorf("a full disk was answered as the client's error: %v", disk)
	}
	for _, tc := range cases {
		err := uploadError(tc.err, 1<<20)
		var ce *contactd.Error
		if !errors.As(err, &ce) || ce.Code != tc.code {
			t.Errorf("%s: %v, want code %s", tc.name, err, tc.code)
			continue
		}
		if strings.Contains(ce.Message, "10.0.0.5") || strings.Contains(ce.Message, "192.0.2.7") || !strings.Contains(ce.Message, "send the file again") {
			t.Errorf("%s: message %q; want no socket addresses and what to do", tc.name, ce.Message)
		}
	}
}
