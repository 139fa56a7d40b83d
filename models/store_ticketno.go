package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ticketNumbers hands out ticket numbers ZC + date + sequence. Each process reserves a block of
// the day's sequence in the database and numbers from it, so replicas never collide and the
// counter row is written once per block. A restart leaves the rest of its block unused: numbers
// are unique and increasing per process, not gapless.
type ticketNumbers struct {
	mu        sync.Mutex
	day       string
	next, end int64
}

const ticketNumberBlock = 50

func (s *Store) nextTicketNo(ctx context.Context, now time.Time) (string, error) {
	day := now.In(Shanghai).Format("20060102")
	n := &s.numbers
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.day != day || n.next >= n.end {
		start, end, err := s.reserveNumbers(ctx, day)
		if err != nil {
			return "", err
		}
		n.day, n.next, n.end = day, start, end
	}
	no := fmt.Sprintf("ZC%s%06d", day, n.next)
	n.next++
	return no, nil
}

// reserveNumbers takes the next block of the day's sequence. The block starts past the highest
// number already used that day, so a counter that fell behind the tickets (a database restored
// from a backup while processes held blocks) cannot hand out a number twice.
func (s *Store) reserveNumbers(ctx context.Context, day string) (start, end int64, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		err := tx.Table("ticket_number_blocks").Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "day"}},
			DoUpdates: clause.Assignments(map[string]any{"next_value": gorm.Expr("next_value + ?", ticketNumberBlock)}),
		}).Create(map[string]any{"day": day, "next_value": 1 + ticketNumberBlock}).Error
		if err != nil {
			return err
		}
		var ends []int64
		if err := tx.Table("ticket_number_blocks").Where("day = ?", day).Pluck("next_value", &ends).Error; err != nil {
			return err
		}
		if len(ends) != 1 {
			return fmt.Errorf("counter row for %s missing", day)
		}
		end = ends[0]
		var highest []string
		prefix := "ZC" + day
		if err := tx.Table("tickets").Where("ticket_no LIKE ?", prefix+"%").Order("ticket_no DESC").Limit(1).Pluck("ticket_no", &highest).Error; err != nil {
			return err
		}
		if len(highest) == 1 {
			if used, err := strconv.ParseInt(strings.TrimPrefix(highest[0], prefix), 10, 64); err == nil && used >= end-ticketNumberBlock {
				end = used + 1 + ticketNumberBlock
				return tx.Table("ticket_number_blocks").Where("day = ?", day).Update("next_value", end).Error
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, translate(err, "reserve ticket numbers")
	}
	return end - ticketNumberBlock, end, nil
}

// forgetNumbers drops this process's block, so the next number comes from a new reservation.
func (s *Store) forgetNumbers() {
	s.numbers.mu.Lock()
	s.numbers.end = 0
	s.numbers.mu.Unlock()
}
