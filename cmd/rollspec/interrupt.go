package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// interrupts are the signals that ask rollspec to stop: Ctrl-C, a CI
// runner's cancel, a closed terminal.
var interrupts = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// onInterrupt runs cleanup when rollspec is interrupted, then ends the
// process as the signal would have without it (a shell sees 128 + its
// number); the returned function stops watching. A signal ignored when
// rollspec started (nohup) stays ignored.
func onInterrupt(cleanup func()) (stop func()) {
	var watched []os.Signal
	for _, s := range interrupts {
		if !signal.Ignored(s) {
			watched = append(watched, s)
		}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, watched...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cleanup()
			die(s)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// die ends the process by signal s, with its default action; where a
// process cannot signal itself, it exits with the code a shell gives.
func die(s os.Signal) {
	signal.Reset(s)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(s) == nil {
		time.Sleep(time.Second) // the signal ends the process meanwhile
	}
	code := 1
	if n, ok := s.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	os.Exit(code)
}
