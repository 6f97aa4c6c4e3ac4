package fn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rollspec/rollspec/internal/specpath"
)

// readChunk is how much of the input is read at a time.
const readChunk = 4 << 20

// readInput reads the ResourceList on in: at most max bytes, refused as
// soon as it is known to be larger (a regular file by its size, a pipe
// once max is passed) or to hold a control character YAML never allows
// (a NUL from /dev/zero is refused in its first chunk). It is read in
// chunks and joined once, so reading costs at most twice its size, never
// the three times of a buffer that doubles. Line breaks come back as
// "\n": each "\r\n" is one, as kyaml reads them.
func readInput(in io.Reader, max int64) ([]byte, error) {
	if f, ok := in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > max {
			return nil, specpath.ErrTooLarge
		}
	}
	var (
		chunks [][]byte
		total  int64
		pos    position // where the chunk being read starts
		utf16  bool
	)
	for {
		c := make([]byte, readChunk)
		n, err := io.ReadFull(in, c)
		c = c[:n]
		if total == 0 && n >= 2 && (c[0] == 0xFE && c[1] == 0xFF || c[0] == 0xFF && c[1] == 0xFE) {
			utf16 = true // UTF-16 (by its byte order mark): NUL bytes belong to its characters
		}
		if !utf16 {
			if perr := pos.control(c); perr != nil {
				return nil, perr
			}
		}
		total += int64(n)
		if total > max {
			return nil, specpath.ErrTooLarge
		}
		chunks = append(chunks, c)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	src := make([]byte, 0, total)
	for i, c := range chunks {
		src = append(src, c...)
		chunks[i] = nil
	}
	if utf16 {
		return src, nil
	}
	return crlf(src), nil
}

// crlf turns each "\r\n" in src into "\n", in place.
func crlf(src []byte) []byte {
	i := bytes.Index(src, []byte("\r\n"))
	if i < 0 {
		return src
	}
	w := i
	for r := i; r < len(src); r++ {
		if src[r] == '\r' && r+1 < len(src) && src[r+1] == '\n' {
			continue
		}
		src[w] = src[r]
		w++
	}
	return src[:w]
}

// position is a line and column of the input, counted as it is read.
type position struct {
	line, col int // 0-based
}

// control returns the problem of the first byte in c that YAML allows
// nowhere in a stream, at its line and column, and otherwise moves p past
// c.
func (p *position) control(c []byte) error {
	for i, b := range c {
		if notYAML[b] {
			p.advance(c[:i])
			return fmt.Errorf("line %d, column %d: control character 0x%02X, which YAML does not allow (allowed: printable characters, tab and line breaks)", p.line+1, p.col+1, b)
		}
	}
	p.advance(c)
	return nil
}

// advance moves p past c.
func (p *position) advance(c []byte) {
	j := bytes.LastIndexByte(c, '\n')
	if j < 0 {
		p.col += len(c)
		return
	}
	p.line += bytes.Count(c, []byte("\n"))
	p.col = len(c) - j - 1
}

// notYAML marks the bytes YAML allows nowhere in a stream: the C0
// controls other than tab and line breaks, and DEL.
var notYAML = func() (t [256]bool) {
	for b := range 0x20 {
		t[b] = b != '\t' && b != '\n' && b != '\r'
	}
	t[0x7F] = true
	return t
}()
