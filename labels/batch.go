package labels

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
)

// PNGBatch renders every label as a PNG on up to workers goroutines (0: one
// per CPU), each with its own Renderer, and hands the PNGs to emit one at a
// time in label order. It stops at the first error, from rendering or from
// emit, and returns it.
func PNGBatch(ctx context.Context, t Template, ls []Label, workers int, emit func(i int, png []byte) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(1, len(ls)))
	type result struct {
		i   int
		png []byte
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		r, err := NewRenderer()
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var b bytes.Buffer
				err := r.PNG(&b, t, ls[i])
				if err != nil {
					err = fmt.Errorf("label %s: %w", ls[i].Tag, err)
				}
				select {
				case results <- result{i, b.Bytes(), err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range ls {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	pending := map[int][]byte{}
	next := 0
	for res := range results {
		if res.err != nil {
			return res.err
		}
		pending[res.i] = res.png
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err := emit(next, b); err != nil {
				return err
			}
			next++
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if next != len(ls) {
		return fmt.Errorf("labels: rendered %d of %d labels", next, len(ls))
	}
	return nil
}
