package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Round modes: the weekly round asks for every page; the daily one only for what changed and
// carries the rest over from the last round's page states.
const (
	RoundFull        = "full"
	RoundIncremental = "incremental"
)

// RoundModeName is the mode as staff read it.
func RoundModeName(mode string) string {
	if mode == RoundIncremental {
		return "增量"
	}
	return "全量"
}

// PageStateMissedRounds: a URL no round has seen for this many rounds of its site is dropped.
const PageStateMissedRounds = 3

// pageStateBatch is how many page states one statement writes.
const pageStateBatch = 500

// PageState is what the last round kept of one URL of a site (inspection_page_states): never its
// text, only validators, a fingerprint and the JSON of what the checks found.
type PageState struct {
	WebsiteID    int64
	URLHash      string `gorm:"column:url_hash"`
	URL          string `gorm:"column:url"`
	IsPage       bool
	ETag         string `gorm:"column:etag"`
	LastModified string
	Fingerprint  string
	Record       []byte
	FetchedAt    time.Time
	ChangedAt    time.Time
	RoundID      int64
	Missed       int
	// Unchanged: the state is the one the store gave the round for the URL, field for field,
	// so SavePageStates only marks its row seen. Most states of a daily round are so.
	Unchanged bool `gorm:"-"`
}

func (PageState) TableName() string { return "inspection_page_states" }

// URLHash keys a URL in inspection_page_states.
func URLHash(u string) string {
	sum := sha256.Sum256([]byte(u))
	return hex.EncodeToString(sum[:])
}

// PageStates returns every state kept for the site, for its next incremental round, read
// pageStateBatch rows a statement along the primary key.
func (s *Store) PageStates(ctx context.Context, websiteID int64) ([]PageState, error) {
	return s.pageStates(ctx, websiteID, "*")
}

// PageStateDates returns every state kept for the site without its record, for the site's
// next full round, which reads every page again and keeps of the states when each last changed.
func (s *Store) PageStateDates(ctx context.Context, websiteID int64) ([]PageState, error) {
	return s.pageStates(ctx, websiteID, "website_id, url_hash, url, is_page, fingerprint, fetched_at, changed_at, round_id, missed")
}

func (s *Store) pageStates(ctx context.Context, websiteID int64, columns string) ([]PageState, error) {
	var out []PageState
	after := ""
	for {
		var batch []PageState
		err := s.db.WithContext(ctx).Select(columns).Where("website_id = ? AND url_hash > ?", websiteID, after).
			Order("url_hash").Limit(pageStateBatch).Find(&batch).Error
		if err != nil {
			return nil, translate(err, "page states")
		}
		out = append(out, batch...)
		if len(batch) < pageStateBatch {
			return out, nil
		}
		after = batch[len(batch)-1].URLHash
	}
}

// SavePageStates keeps what a round of the site learnt, pageStateBatch rows a statement: each
// URL's row is replaced, or only marked seen by the round when its state is Unchanged (a daily
// round writes what changed, not the thousands of states it carried over); the rows of URLs the
// round did not see count one more miss, and those missed PageStateMissedRounds times are
// dropped. A round done again (a retried task) writes the same rows and counts no miss twice:
// every row of the site then has the round's id.
//
// Each statement is a transaction of its own, run again when MySQL ends it as a deadlock: the
// crawls of a round save their sites at once, and a site's statements over its range of rows
// take gap locks that another site's insert beside that range may wait on. Before, such a
// deadlock failed the site's task, and its retry crawled the whole site again.
func (s *Store) SavePageStates(ctx context.Context, roundID, websiteID int64, states []PageState) error {
	changed := make([]PageState, 0, len(states))
	var seen []string
	for _, st := range states {
		if st.Unchanged {
			seen = append(seen, URLHash(st.URL))
		} else {
			changed = append(changed, st)
		}
	}
	for start := 0; start < len(changed); start += pageStateBatch {
		batch := changed[start:min(start+pageStateBatch, len(changed))]
		for i := range batch {
			batch[i].WebsiteID, batch[i].RoundID, batch[i].Missed = websiteID, roundID, 0
			batch[i].URLHash = URLHash(batch[i].URL)
			batch[i].URL = cut(batch[i].URL, 2048)
			batch[i].ETag = cut(batch[i].ETag, 255)
			batch[i].LastModified = cut(batch[i].LastModified, 64)
			batch[i].FetchedAt, batch[i].ChangedAt = batch[i].FetchedAt.UTC(), batch[i].ChangedAt.UTC()
			if batch[i].Record == nil {
				batch[i].Record = []byte{}
			}
		}
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			return tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "website_id"}, {Name: "url_hash"}},
				DoUpdates: clause.AssignmentColumns([]string{"url", "is_page", "etag", "last_modified", "fingerprint", "record",
					"fetched_at", "changed_at", "round_id", "missed"}),
			}).Create(&batch).Error
		})
		if err != nil {
			return translate(err, "save page states")
		}
	}
	for start := 0; start < len(seen); start += pageStateBatch {
		hashes := seen[start:min(start+pageStateBatch, len(seen))]
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			return tx.Model(&PageState{}).Where("website_id = ? AND url_hash IN ?", websiteID, hashes).
				Updates(map[string]any{"round_id": roundID, "missed": 0}).Error
		})
		if err != nil {
			return translate(err, "mark page states seen")
		}
	}
	// The rows the round did not see, found by the round's index rather than by reading the
	// site's records: those at their last miss are dropped, the others count one more.
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Where("website_id = ? AND round_id <> ? AND missed >= ?", websiteID, roundID, PageStateMissedRounds-1).
			Delete(&PageState{}).Error
	})
	if err != nil {
		return translate(err, "drop missed page states")
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Model(&PageState{}).Where("website_id = ? AND round_id <> ?", websiteID, roundID).
			Updates(map[string]any{"missed": gorm.Expr("missed + 1"), "round_id": roundID}).Error
	})
	return translate(err, "count missed page states")
}

// PageStateRow is a page of a site as its page list shows it.
type PageStateRow struct {
	URL       string
	FetchedAt time.Time
	ChangedAt time.Time
}

// PageStateCounts sum up a site's pages: how many are known, and how many changed or were
// asked for since a time (the last day, say).
type PageStateCounts struct {
	Pages, ChangedSince, FetchedSince int64
}

// SitePages lists the pages of a site as the rounds keep them, the latest changed first, with
// the counts.
func (s *Store) SitePages(ctx context.Context, websiteID int64, since time.Time, page, perPage int) ([]PageStateRow, PageStateCounts, error) {
	var c PageStateCounts
	db := s.db.WithContext(ctx)
	err := db.Model(&PageState{}).Select(`COUNT(*) AS pages,
		COALESCE(SUM(CASE WHEN changed_at >= ? THEN 1 ELSE 0 END), 0) AS changed_since,
		COALESCE(SUM(CASE WHEN fetched_at >= ? THEN 1 ELSE 0 END), 0) AS fetched_since`, since.UTC(), since.UTC()).
		Where("website_id = ? AND is_page", websiteID).Scan(&c).Error
	if err != nil {
		return nil, c, translate(err, "count site pages")
	}
	var rows []PageStateRow
	err = db.Model(&PageState{}).Select("url, fetched_at, changed_at").Where("website_id = ? AND is_page", websiteID).
		Order("changed_at DESC").Order("url_hash").Offset(max(0, page-1) * perPage).Limit(perPage).Scan(&rows).Error
	if err != nil {
		return nil, c, fmt.Errorf("store: site pages: %w", err)
	}
	return rows, c, nil
}
