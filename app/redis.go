package main

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// embeddedRedis is the in-process Redis of the one-command default. miniredis does not expire
// keys by itself, so a ticker moves its clock on: the rate-limit, lock and heartbeat keys of
// asynq and the limiter then expire as on a real server.
type embeddedRedis struct {
	*miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
}

func startEmbeddedRedis() (*embeddedRedis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start the in-process Redis: %w", err)
	}
	e := &embeddedRedis{Miniredis: m, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				m.FastForward(time.Second)
			case <-e.stop:
				return
			}
		}
	}()
	return e, nil
}

func (e *embeddedRedis) Close() {
	close(e.stop)
	<-e.done
	e.Miniredis.Close()
}
