package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// referenceChannel carries, between replicas, word that the reference data (routing table,
// settings, calendar, categories) changed.
const referenceChannel = "zhaocuo:reference"

// referenceFeedTimeout bounds a publish: it is made right after an administrator's write.
const referenceFeedTimeout = 250 * time.Millisecond

// ReferenceFeed is the Redis side of the reference data each replica's store keeps
// (models.ReferenceFeed): the store tells it of every committed change, and it tells the other
// replicas, whose stores drop their copy (Listen). A lost message is caught by the store's
// version row within models.DefaultReferenceCheck.
type ReferenceFeed struct {
	rdb redis.UniversalClient
	log *slog.Logger
}

// NewReferenceFeed returns the feed over rdb.
func NewReferenceFeed(rdb redis.UniversalClient, log *slog.Logger) *ReferenceFeed {
	return &ReferenceFeed{rdb: rdb, log: log}
}

// ReferenceChanged tells the other replicas.
func (f *ReferenceFeed) ReferenceChanged(ctx context.Context) {
	if err := publishWithin(ctx, f.rdb, referenceChannel, referenceFeedTimeout); err != nil {
		f.log.Warn("reference change not published; other replicas follow at their next version check", "error", err)
	}
}

// ReferenceForgetter is the store, which drops its copy of the reference data.
type ReferenceForgetter interface{ ForgetReference() }

// Listen makes store drop its reference data whenever another replica says it changed, until Stop.
func (f *ReferenceFeed) Listen(store ReferenceForgetter) *Listening {
	return listen(f.rdb, referenceChannel, store.ForgetReference)
}
