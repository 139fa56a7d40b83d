package models

import "context"

// RecountOneBatch recounts one batch of the pending calendar change, as a recount cut short
// after it would have; batch is the batch's size.
func (s *Store) RecountOneBatch(ctx context.Context, batch int) (*Recounted, error) {
	old := recountBatchSize
	recountBatchSize = batch
	defer func() { recountBatchSize = old }()
	out := &Recounted{}
	_, err := s.recountBatch(ctx, out)
	return out, err
}
